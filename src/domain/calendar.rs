//! 工作日历 — China's working-day calendar, on which every work-order time limit runs
//! (sign-for within 1 working day, resolve within N working days).
//!
//! Whether a day is worked in China does not follow from its weekday: each year the
//! State Council announces the holidays and the weekend days worked in exchange
//! (调休). Those announcements are kept as one text file per year in
//! `data/calendar/`, embedded at build time. A deadline is only ever computed from
//! a year we have a file for; a date in any other year is [`CalendarError::MissingYear`],
//! because a guessed calendar would silently put deadlines on holidays.
//!
//! The file format (documented again at the top of every file):
//!
//! ```text
//! # comment (also after a statement); blank lines are ignored
//! year 2020                                   first statement
//! status official                             or `provisional`
//! holiday 2020-01-24..2020-01-30 春节          rest days, both ends included
//! holiday 2020-01-01 元旦                      a single rest day
//! workday 2020-01-19 春节调休上班               a make-up working day (Saturday or Sunday)
//! ```

use std::collections::BTreeMap;

use time::macros::format_description;
use time::{Date, Weekday};

/// The files shipped with zonedesk: 2020 (the seed's year) and the current years.
const SHIPPED_FILES: [&str; 4] = [
    include_str!("../../data/calendar/2020.txt"),
    include_str!("../../data/calendar/2025.txt"),
    include_str!("../../data/calendar/2026.txt"),
    include_str!("../../data/calendar/2027.txt"),
];

/// Why a date cannot be answered or a calendar file cannot be read; the message is
/// what an operator reads, so it names the year or the line to fix.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CalendarError {
    #[error("缺少{0}年的工作日历数据文件")]
    MissingYear(i32),
    #[error("工作日历缺少“{0}”行")]
    MissingStatement(&'static str),
    #[error("工作日历第{line}行：{message}")]
    Parse { line: usize, message: String },
    #[error("工作日历第{line}行：无法识别的记录类型“{kind}”（应为 year、status、holiday 或 workday）")]
    UnknownLine { line: usize, kind: String },
    #[error("工作日历第{line}行：“{text}”不是 YYYY-MM-DD 格式的有效日期")]
    MalformedDate { line: usize, text: String },
    #[error("工作日历第{line}行：{date}不在本文件的{year}年内")]
    OutsideYear { line: usize, date: Date, year: i32 },
    #[error("工作日历第{line}行：日期范围的结束日{end}早于开始日{start}")]
    ReversedRange { line: usize, start: Date, end: Date },
    #[error("工作日历第{line}行：{date}同时被列为放假日和调休上班日")]
    HolidayAndWorkday { line: usize, date: Date },
    #[error("工作日历第{line}行：{date}在前面已经列出")]
    ListedTwice { line: usize, date: Date },
    #[error("工作日历第{line}行：调休上班日{date}是{}，只能是星期六或星期日", weekday_name(*.weekday))]
    WorkdayOnWeekday { line: usize, date: Date, weekday: Weekday },
}

/// Whether a year's file follows the State Council's notice or is only our
/// reckoning before the notice is published.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CalendarStatus {
    Official,
    Provisional,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum DayKind {
    Holiday,
    MakeUpWorkday,
}

/// A day that differs from the plain Monday–Friday rule, with the name pages show.
#[derive(Debug, Clone, PartialEq, Eq)]
struct SpecialDay {
    kind: DayKind,
    note: String,
}

/// One year's holidays and make-up working days, as read from one file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct YearCalendar {
    year: i32,
    status: CalendarStatus,
    special_days: BTreeMap<Date, SpecialDay>,
}

impl YearCalendar {
    /// The year the file's `year` line names; every date in it lies in this year.
    pub fn year(&self) -> i32 {
        self.year
    }

    /// Whether the file follows the official notice or is provisional.
    pub fn status(&self) -> CalendarStatus {
        self.status
    }

    fn is_working_day(&self, day: Date) -> bool {
        match self.special_days.get(&day) {
            Some(special) => special.kind == DayKind::MakeUpWorkday,
            None => !is_weekend(day),
        }
    }
}

/// The working-day calendar over every year it has a file for.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct WorkCalendar {
    years: BTreeMap<i32, YearCalendar>,
}

impl WorkCalendar {
    /// The calendars shipped in `data/calendar/`.
    ///
    /// # Panics
    /// Never in a released build: the unit tests parse every shipped file, so a
    /// broken one fails the build's tests rather than a running server.
    pub fn shipped() -> WorkCalendar {
        SHIPPED_FILES.iter().fold(WorkCalendar::default(), |calendar, text| {
            let year = Self::parse_year(text).unwrap_or_else(|error| panic!("data/calendar 中的文件有误：{error}"));
            calendar.with_year(year)
        })
    }

    /// Parses one year's file (for tests, fuzzing and operators' own files).
    ///
    /// # Errors
    /// The first line that breaks the format, with its number: an unknown record
    /// type, a malformed date, a date outside the file's year, a range ending
    /// before it starts, a day listed twice or as both holiday and workday, a
    /// make-up workday on Monday–Friday; or a missing `year` or `status` line.
    pub fn parse_year(text: &str) -> Result<YearCalendar, CalendarError> {
        // Files saved by Windows Notepad start with a byte-order mark.
        let text = text.strip_prefix('\u{feff}').unwrap_or(text);
        let mut parser = YearParser::default();
        for (index, raw) in text.lines().enumerate() {
            let content = raw.split_once('#').map_or(raw, |(before, _)| before).trim();
            if !content.is_empty() {
                parser.statement(index + 1, content)?;
            }
        }
        parser.finish()
    }

    /// Adds or replaces a year, so that an operator's file (e.g. the official notice
    /// for a year shipped as provisional) takes precedence over the shipped one.
    #[must_use]
    pub fn with_year(mut self, year: YearCalendar) -> Self {
        self.years.insert(year.year, year);
        self
    }

    /// The years this calendar can answer for, in order.
    pub fn years(&self) -> Vec<i32> {
        self.years.keys().copied().collect()
    }

    /// Whether `year`'s file is only a reckoning, so pages can warn that deadlines
    /// in it may move; `false` for official years and for years without a file.
    pub fn is_provisional(&self, year: i32) -> bool {
        self.years.get(&year).is_some_and(|y| y.status == CalendarStatus::Provisional)
    }

    /// Weekend days are rest days unless listed as make-up workdays; holidays are rest days.
    ///
    /// # Errors
    /// [`CalendarError::MissingYear`] when `day`'s year has no file.
    pub fn is_working_day(&self, day: Date) -> Result<bool, CalendarError> {
        Ok(self.year_of(day)?.is_working_day(day))
    }

    /// The n-th working day strictly after `from` (n = 0 gives `from` itself if it is
    /// a working day, else the next working day). A limit of 1 working day from an
    /// order assigned on the eve of a holiday thus lands after the holiday.
    ///
    /// # Errors
    /// [`CalendarError::MissingYear`] when `from`, or any day up to the result, lies
    /// in a year without a file.
    pub fn add_working_days(&self, from: Date, n: u32) -> Result<Date, CalendarError> {
        if n == 0 && self.is_working_day(from)? {
            return Ok(from);
        }
        self.year_of(from)?;
        let mut day = from;
        let mut remaining = n.max(1);
        while remaining > 0 {
            day = following_day(day)?;
            if self.is_working_day(day)? {
                remaining -= 1;
            }
        }
        Ok(day)
    }

    /// Working days in (from, to]; negative when `to` is before `from`, namely minus
    /// the working days in (to, from], so that swapping the arguments flips the sign.
    ///
    /// # Errors
    /// [`CalendarError::MissingYear`] when a day from `from` to `to` lies in a year
    /// without a file.
    pub fn working_days_between(&self, from: Date, to: Date) -> Result<i64, CalendarError> {
        if to < from {
            return self.working_days_between(to, from).map(|count| -count);
        }
        self.year_of(from)?;
        let mut count = 0;
        let mut day = from;
        while day < to {
            day = following_day(day)?;
            if self.is_working_day(day)? {
                count += 1;
            }
        }
        Ok(count)
    }

    /// The name of the holiday or make-up day, if any (for pages: "春节").
    pub fn day_note(&self, day: Date) -> Option<&str> {
        let special = self.years.get(&day.year())?.special_days.get(&day)?;
        Some(&special.note)
    }

    fn year_of(&self, day: Date) -> Result<&YearCalendar, CalendarError> {
        self.years.get(&day.year()).ok_or(CalendarError::MissingYear(day.year()))
    }
}

/// The day after `day`; past the last representable date there is no file either.
fn following_day(day: Date) -> Result<Date, CalendarError> {
    day.next_day().ok_or(CalendarError::MissingYear(day.year() + 1))
}

fn is_weekend(day: Date) -> bool {
    matches!(day.weekday(), Weekday::Saturday | Weekday::Sunday)
}

fn weekday_name(weekday: Weekday) -> &'static str {
    match weekday {
        Weekday::Monday => "星期一",
        Weekday::Tuesday => "星期二",
        Weekday::Wednesday => "星期三",
        Weekday::Thursday => "星期四",
        Weekday::Friday => "星期五",
        Weekday::Saturday => "星期六",
        Weekday::Sunday => "星期日",
    }
}

/// The state of a file being read: the header so far and the special days listed.
#[derive(Default)]
struct YearParser {
    year: Option<i32>,
    status: Option<CalendarStatus>,
    special_days: BTreeMap<Date, SpecialDay>,
}

impl YearParser {
    fn statement(&mut self, line: usize, content: &str) -> Result<(), CalendarError> {
        let (kind, rest) = content.split_once(char::is_whitespace).map_or((content, ""), |(kind, rest)| (kind, rest.trim()));
        match kind {
            "year" => self.year_line(line, rest),
            "status" => self.status_line(line, rest),
            "holiday" => self.holiday_line(line, rest),
            "workday" => self.workday_line(line, rest),
            _ => Err(CalendarError::UnknownLine { line, kind: kind.to_owned() }),
        }
    }

    fn year_line(&mut self, line: usize, rest: &str) -> Result<(), CalendarError> {
        if self.year.is_some() {
            return Err(parse_error(line, "year 行重复"));
        }
        let year = rest.parse::<i32>().map_err(|_| parse_error(line, format!("年份“{rest}”不是整数")))?;
        // The first day must be representable, or no date in the file could be.
        Date::from_ordinal_date(year, 1).map_err(|_| parse_error(line, format!("年份{year}超出支持的范围")))?;
        self.year = Some(year);
        Ok(())
    }

    fn status_line(&mut self, line: usize, rest: &str) -> Result<(), CalendarError> {
        self.year(line)?;
        if self.status.is_some() {
            return Err(parse_error(line, "status 行重复"));
        }
        let status = match rest {
            "official" => CalendarStatus::Official,
            "provisional" => CalendarStatus::Provisional,
            _ => return Err(parse_error(line, format!("状态“{rest}”应为 official 或 provisional"))),
        };
        self.status = Some(status);
        Ok(())
    }

    fn holiday_line(&mut self, line: usize, rest: &str) -> Result<(), CalendarError> {
        let (dates, note) = split_note(line, rest)?;
        let (start, end) = match dates.split_once("..") {
            Some((start, end)) => (self.date(line, start)?, self.date(line, end)?),
            None => {
                let day = self.date(line, dates)?;
                (day, day)
            }
        };
        if end < start {
            return Err(CalendarError::ReversedRange { line, start, end });
        }
        let mut next = Some(start);
        while let Some(day) = next.filter(|day| *day <= end) {
            self.insert(line, day, DayKind::Holiday, note)?;
            next = day.next_day();
        }
        Ok(())
    }

    fn workday_line(&mut self, line: usize, rest: &str) -> Result<(), CalendarError> {
        let (text, note) = split_note(line, rest)?;
        let date = self.date(line, text)?;
        if !is_weekend(date) {
            return Err(CalendarError::WorkdayOnWeekday { line, date, weekday: date.weekday() });
        }
        self.insert(line, date, DayKind::MakeUpWorkday, note)
    }

    /// The file's year; every other statement needs it to check its dates.
    fn year(&self, line: usize) -> Result<i32, CalendarError> {
        self.year.ok_or_else(|| parse_error(line, "第一条记录必须是 year 行"))
    }

    fn date(&self, line: usize, text: &str) -> Result<Date, CalendarError> {
        let year = self.year(line)?;
        let date = Date::parse(text, format_description!("[year]-[month]-[day]")).map_err(|_| CalendarError::MalformedDate { line, text: text.to_owned() })?;
        if date.year() != year {
            return Err(CalendarError::OutsideYear { line, date, year });
        }
        Ok(date)
    }

    fn insert(&mut self, line: usize, date: Date, kind: DayKind, note: &str) -> Result<(), CalendarError> {
        match self.special_days.get(&date) {
            Some(existing) if existing.kind != kind => Err(CalendarError::HolidayAndWorkday { line, date }),
            Some(_) => Err(CalendarError::ListedTwice { line, date }),
            None => {
                self.special_days.insert(date, SpecialDay { kind, note: note.to_owned() });
                Ok(())
            }
        }
    }

    fn finish(self) -> Result<YearCalendar, CalendarError> {
        let year = self.year.ok_or(CalendarError::MissingStatement("year"))?;
        let status = self.status.ok_or(CalendarError::MissingStatement("status"))?;
        Ok(YearCalendar { year, status, special_days: self.special_days })
    }
}

/// Splits "DATES NAME": pages show the name, so a day without one is an error.
fn split_note(line: usize, rest: &str) -> Result<(&str, &str), CalendarError> {
    match rest.split_once(char::is_whitespace) {
        Some((dates, note)) if !note.trim().is_empty() => Ok((dates, note.trim())),
        _ => Err(parse_error(line, "缺少日期或名称（如“holiday 2020-01-01 元旦”）")),
    }
}

fn parse_error(line: usize, message: impl Into<String>) -> CalendarError {
    CalendarError::Parse { line, message: message.into() }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;
    use time::macros::date;

    use super::*;

    const SHIPPED_YEARS: [i32; 4] = [2020, 2025, 2026, 2027];

    /// The make-up workdays as the State Council's notices state them, with the
    /// weekday each notice gives, checked here against the real calendar.
    const MAKE_UP_WORKDAYS: [(Date, Weekday); 17] = [
        (date!(2020 - 01 - 19), Weekday::Sunday),
        (date!(2020 - 04 - 26), Weekday::Sunday),
        (date!(2020 - 05 - 09), Weekday::Saturday),
        (date!(2020 - 06 - 28), Weekday::Sunday),
        (date!(2020 - 09 - 27), Weekday::Sunday),
        (date!(2020 - 10 - 10), Weekday::Saturday),
        (date!(2025 - 01 - 26), Weekday::Sunday),
        (date!(2025 - 02 - 08), Weekday::Saturday),
        (date!(2025 - 04 - 27), Weekday::Sunday),
        (date!(2025 - 09 - 28), Weekday::Sunday),
        (date!(2025 - 10 - 11), Weekday::Saturday),
        (date!(2026 - 01 - 04), Weekday::Sunday),
        (date!(2026 - 02 - 14), Weekday::Saturday),
        (date!(2026 - 02 - 28), Weekday::Saturday),
        (date!(2026 - 05 - 09), Weekday::Saturday),
        (date!(2026 - 09 - 20), Weekday::Sunday),
        (date!(2026 - 10 - 10), Weekday::Saturday),
    ];

    /// 2027's statutory days (全国年节及纪念日放假办法, 2024 revision: 13 days) with
    /// the weekdays the provisional file's comments claim.
    const STATUTORY_2027: [(Date, Weekday); 13] = [
        (date!(2027 - 01 - 01), Weekday::Friday),
        (date!(2027 - 02 - 05), Weekday::Friday),
        (date!(2027 - 02 - 06), Weekday::Saturday),
        (date!(2027 - 02 - 07), Weekday::Sunday),
        (date!(2027 - 02 - 08), Weekday::Monday),
        (date!(2027 - 04 - 05), Weekday::Monday),
        (date!(2027 - 05 - 01), Weekday::Saturday),
        (date!(2027 - 05 - 02), Weekday::Sunday),
        (date!(2027 - 06 - 09), Weekday::Wednesday),
        (date!(2027 - 09 - 15), Weekday::Wednesday),
        (date!(2027 - 10 - 01), Weekday::Friday),
        (date!(2027 - 10 - 02), Weekday::Saturday),
        (date!(2027 - 10 - 03), Weekday::Sunday),
    ];

    fn calendar() -> WorkCalendar {
        WorkCalendar::shipped()
    }

    fn days_of(calendar: &WorkCalendar, year: i32, kind: DayKind) -> Vec<Date> {
        calendar.years[&year].special_days.iter().filter(|(_, special)| special.kind == kind).map(|(day, _)| *day).collect()
    }

    /// Parses a file whose first body line is line 3, after the two header lines.
    fn parse_body(body: &str) -> Result<YearCalendar, CalendarError> {
        WorkCalendar::parse_year(&format!("year 2020\nstatus official\n{body}"))
    }

    #[test]
    fn the_shipped_calendar_has_2020_and_the_current_years() {
        assert_eq!(calendar().years(), SHIPPED_YEARS);
    }

    #[test]
    fn every_make_up_workday_falls_on_the_weekend_the_notices_name() {
        let calendar = calendar();
        for (day, weekday) in MAKE_UP_WORKDAYS {
            assert_eq!(day.weekday(), weekday, "{day}");
            assert!(is_weekend(day), "{day}");
            assert_eq!(calendar.is_working_day(day), Ok(true), "{day}");
            assert!(calendar.day_note(day).is_some_and(|note| note.ends_with("调休上班")), "{day}");
        }
    }

    #[test]
    fn the_shipped_files_list_exactly_the_notices_make_up_workdays() {
        let calendar = calendar();
        let listed: Vec<Date> = SHIPPED_YEARS.iter().flat_map(|year| days_of(&calendar, *year, DayKind::MakeUpWorkday)).collect();
        let expected: Vec<Date> = MAKE_UP_WORKDAYS.iter().map(|(day, _)| *day).collect();
        assert_eq!(listed, expected);
    }

    #[test]
    fn the_shipped_files_list_each_years_number_of_holidays() {
        let calendar = calendar();
        // 2020: 1 + 10 (extended) + 3 + 5 + 3 + 8; 2025: 1 + 8 + 3 + 5 + 3 + 8;
        // 2026: 3 + 9 + 3 + 5 + 3 + 3 + 7; 2027: the 13 statutory days only.
        let counts: Vec<usize> = SHIPPED_YEARS.iter().map(|year| days_of(&calendar, *year, DayKind::Holiday).len()).collect();
        assert_eq!(counts, [30, 28, 33, 13]);
    }

    #[test]
    fn provisional_2027_holds_only_the_statutory_days_on_their_weekdays() {
        let calendar = calendar();
        let expected: Vec<Date> = STATUTORY_2027.iter().map(|(day, _)| *day).collect();
        assert_eq!(days_of(&calendar, 2027, DayKind::Holiday), expected);
        assert!(days_of(&calendar, 2027, DayKind::MakeUpWorkday).is_empty());
        for (day, weekday) in STATUTORY_2027 {
            assert_eq!(day.weekday(), weekday, "{day}");
        }
        assert_eq!(calendar.day_note(date!(2027 - 02 - 05)), Some("春节（除夕）"));
    }

    #[test]
    fn only_2027_is_provisional() {
        let calendar = calendar();
        assert!(calendar.is_provisional(2027));
        for year in [2020, 2025, 2026] {
            assert!(!calendar.is_provisional(year), "{year}");
        }
        assert!(!calendar.is_provisional(2028), "a missing year is missing, not provisional");
    }

    #[test]
    fn the_2020_spring_festival_extension_makes_jan_31_to_feb_2_rest_days() {
        let calendar = calendar();
        for day in [date!(2020 - 01 - 24), date!(2020 - 01 - 30), date!(2020 - 01 - 31), date!(2020 - 02 - 01), date!(2020 - 02 - 02)] {
            assert_eq!(calendar.is_working_day(day), Ok(false), "{day}");
        }
        assert_eq!(calendar.is_working_day(date!(2020 - 02 - 03)), Ok(true));
        assert_eq!(calendar.is_working_day(date!(2020 - 01 - 19)), Ok(true), "Sunday Jan 19 stays a make-up workday");
        assert_eq!(calendar.day_note(date!(2020 - 02 - 01)), Some("春节（延长假期）"));
        assert_eq!(calendar.day_note(date!(2020 - 01 - 24)), Some("春节"));
    }

    #[test]
    fn ordinary_days_follow_the_weekday_and_have_no_note() {
        let calendar = calendar();
        assert_eq!(calendar.is_working_day(date!(2020 - 03 - 19)), Ok(true));
        assert_eq!(calendar.is_working_day(date!(2020 - 03 - 21)), Ok(false));
        assert_eq!(calendar.day_note(date!(2020 - 03 - 19)), None);
        assert_eq!(calendar.day_note(date!(2021 - 01 - 01)), None);
    }

    #[test]
    fn a_sign_for_limit_from_the_thursday_before_spring_festival_2020_lands_on_feb_3() {
        assert_eq!(calendar().add_working_days(date!(2020 - 01 - 23), 1), Ok(date!(2020 - 02 - 03)));
    }

    #[test]
    fn a_five_day_limit_from_april_30_2020_skips_may_day_and_counts_saturday_may_9() {
        let calendar = calendar();
        assert_eq!(calendar.add_working_days(date!(2020 - 04 - 30), 1), Ok(date!(2020 - 05 - 06)));
        assert_eq!(calendar.add_working_days(date!(2020 - 04 - 30), 4), Ok(date!(2020 - 05 - 09)));
        assert_eq!(calendar.add_working_days(date!(2020 - 04 - 30), 5), Ok(date!(2020 - 05 - 11)));
    }

    #[test]
    fn zero_working_days_gives_the_day_itself_or_the_next_working_day() {
        let calendar = calendar();
        assert_eq!(calendar.add_working_days(date!(2020 - 01 - 19), 0), Ok(date!(2020 - 01 - 19)));
        assert_eq!(calendar.add_working_days(date!(2020 - 01 - 25), 0), Ok(date!(2020 - 02 - 03)));
        assert_eq!(calendar.add_working_days(date!(2020 - 01 - 25), 1), Ok(date!(2020 - 02 - 03)));
    }

    #[test]
    fn limits_run_across_new_year_between_shipped_years() {
        let calendar = calendar();
        // 2025-12-31 is a Wednesday; 2026-01-01..03 are 元旦 and Sunday Jan 4 is worked.
        assert_eq!(calendar.add_working_days(date!(2025 - 12 - 31), 1), Ok(date!(2026 - 01 - 04)));
        assert_eq!(calendar.working_days_between(date!(2025 - 12 - 31), date!(2026 - 01 - 05)), Ok(2));
    }

    #[test]
    fn working_days_between_inverts_add_working_days() {
        let calendar = calendar();
        let from = date!(2020 - 01 - 23);
        for n in 1..=40 {
            let to = calendar.add_working_days(from, n).unwrap();
            assert_eq!(calendar.working_days_between(from, to), Ok(i64::from(n)), "{n}");
            assert_eq!(calendar.working_days_between(to, from), Ok(-i64::from(n)), "{n}");
        }
        assert_eq!(calendar.working_days_between(from, from), Ok(0));
        assert_eq!(calendar.working_days_between(date!(2020 - 01 - 24), date!(2020 - 02 - 02)), Ok(0));
    }

    #[test]
    fn years_without_a_file_are_errors_not_assumptions() {
        let calendar = calendar();
        assert_eq!(calendar.is_working_day(date!(2021 - 01 - 04)), Err(CalendarError::MissingYear(2021)));
        assert_eq!(calendar.add_working_days(date!(2020 - 12 - 31), 1), Err(CalendarError::MissingYear(2021)));
        assert_eq!(calendar.add_working_days(date!(2019 - 12 - 31), 1), Err(CalendarError::MissingYear(2019)));
        assert_eq!(calendar.working_days_between(date!(2020 - 06 - 01), date!(2025 - 06 - 01)), Err(CalendarError::MissingYear(2021)));
        assert_eq!(calendar.is_working_day(date!(2028 - 01 - 03)), Err(CalendarError::MissingYear(2028)));
        assert_eq!(calendar.add_working_days(date!(2027 - 12 - 31), 1), Err(CalendarError::MissingYear(2028)));
        assert_eq!(CalendarError::MissingYear(2028).to_string(), "缺少2028年的工作日历数据文件");
    }

    #[test]
    fn an_operators_file_replaces_the_shipped_year() {
        let official = WorkCalendar::parse_year("year 2027\nstatus official\nholiday 2027-02-09 春节补假").unwrap();
        let calendar = calendar().with_year(official);
        assert!(!calendar.is_provisional(2027));
        assert_eq!(calendar.is_working_day(date!(2027 - 02 - 09)), Ok(false));
        assert_eq!(calendar.is_working_day(date!(2027 - 02 - 05)), Ok(true), "the provisional days are gone");
        assert_eq!(calendar.years(), SHIPPED_YEARS);
    }

    #[test]
    fn the_parser_accepts_comments_blank_lines_crlf_and_a_byte_order_mark() {
        let text = "\u{feff}# 说明\r\n\r\nyear 2020  # 年份\r\nstatus provisional\r\nholiday 2020-01-01 元旦 # 星期三\r\n";
        let year = WorkCalendar::parse_year(text).unwrap();
        assert_eq!((year.year(), year.status()), (2020, CalendarStatus::Provisional));
        assert_eq!(year.special_days[&date!(2020 - 01 - 01)].note, "元旦");
    }

    #[test]
    fn the_parser_rejects_dates_outside_the_files_year() {
        assert_eq!(parse_body("holiday 2021-01-01 元旦"), Err(CalendarError::OutsideYear { line: 3, date: date!(2021 - 01 - 01), year: 2020 }));
        assert_eq!(parse_body("\nholiday 2020-12-31..2021-01-01 元旦"), Err(CalendarError::OutsideYear { line: 4, date: date!(2021 - 01 - 01), year: 2020 }));
    }

    #[test]
    fn the_parser_rejects_a_range_ending_before_it_starts() {
        assert_eq!(
            parse_body("holiday 2020-10-08..2020-10-01 国庆节"),
            Err(CalendarError::ReversedRange { line: 3, start: date!(2020 - 10 - 08), end: date!(2020 - 10 - 01) })
        );
    }

    #[test]
    fn the_parser_rejects_a_day_listed_as_both_holiday_and_workday() {
        let date = date!(2020 - 02 - 01);
        assert_eq!(parse_body("holiday 2020-01-24..2020-02-02 春节\nworkday 2020-02-01 调休"), Err(CalendarError::HolidayAndWorkday { line: 4, date }));
        assert_eq!(parse_body("workday 2020-02-01 调休\nholiday 2020-01-24..2020-02-02 春节"), Err(CalendarError::HolidayAndWorkday { line: 4, date }));
    }

    #[test]
    fn the_parser_rejects_a_day_listed_twice() {
        assert_eq!(
            parse_body("holiday 2020-01-24..2020-01-30 春节\nholiday 2020-01-30..2020-02-02 春节"),
            Err(CalendarError::ListedTwice { line: 4, date: date!(2020 - 01 - 30) })
        );
    }

    #[test]
    fn the_parser_rejects_a_make_up_workday_on_a_weekday() {
        let error = parse_body("workday 2020-04-27 劳动节调休上班").unwrap_err();
        assert_eq!(error, CalendarError::WorkdayOnWeekday { line: 3, date: date!(2020 - 04 - 27), weekday: Weekday::Monday });
        assert_eq!(error.to_string(), "工作日历第3行：调休上班日2020-04-27是星期一，只能是星期六或星期日");
    }

    #[test]
    fn the_parser_rejects_unknown_record_types() {
        assert_eq!(parse_body("holliday 2020-01-01 元旦"), Err(CalendarError::UnknownLine { line: 3, kind: "holliday".into() }));
        assert_eq!(WorkCalendar::parse_year("Year 2020"), Err(CalendarError::UnknownLine { line: 1, kind: "Year".into() }));
    }

    #[test]
    fn the_parser_rejects_malformed_dates() {
        for text in ["2020-1-24", "2020-02-30", "20200124", "today", "2020-01-24.."] {
            let expected = text.split_once("..").map_or(text, |(_, end)| end);
            assert_eq!(parse_body(&format!("holiday {text} 春节")), Err(CalendarError::MalformedDate { line: 3, text: expected.into() }), "{text}");
        }
    }

    #[test]
    fn the_parser_rejects_broken_headers_and_missing_names() {
        assert!(matches!(parse_body("holiday 2020-01-01"), Err(CalendarError::Parse { line: 3, .. })));
        assert!(matches!(parse_body("year 2021"), Err(CalendarError::Parse { line: 3, .. })));
        assert!(matches!(parse_body("status provisional"), Err(CalendarError::Parse { line: 3, .. })));
        assert!(matches!(WorkCalendar::parse_year("year 2020\nstatus draft"), Err(CalendarError::Parse { line: 2, .. })));
        assert!(matches!(WorkCalendar::parse_year("year twenty"), Err(CalendarError::Parse { line: 1, .. })));
        assert!(matches!(WorkCalendar::parse_year("status official\nyear 2020"), Err(CalendarError::Parse { line: 1, .. })));
        assert!(matches!(WorkCalendar::parse_year("holiday 2020-01-01 元旦"), Err(CalendarError::Parse { line: 1, .. })));
        assert_eq!(WorkCalendar::parse_year("# empty\n"), Err(CalendarError::MissingStatement("year")));
        assert_eq!(WorkCalendar::parse_year("year 2020"), Err(CalendarError::MissingStatement("status")));
    }

    fn shipped_date() -> impl Strategy<Value = Date> {
        prop::sample::select(SHIPPED_YEARS.to_vec())
            .prop_flat_map(|year| (1..=time::util::days_in_year(year)).prop_map(move |ordinal| Date::from_ordinal_date(year, ordinal).unwrap()))
    }

    proptest! {
        /// Law: for n ≥ 1, `add_working_days(from, n)` is the first day d > from with
        /// exactly n working days in (from, d]; for n = 0 it is `from` when `from` is a
        /// working day, else the first working day after it (one working day in
        /// (from, d]). So `working_days_between(from, d)` is n, except that it is 1
        /// when n = 0 and `from` is a rest day; and d is always a working day.
        #[test]
        fn add_working_days_lands_on_the_first_working_day_with_n_in_between(from in shipped_date(), n in 0u32..30) {
            let calendar = calendar();
            let result = match calendar.add_working_days(from, n) {
                Ok(result) => result,
                Err(error) => {
                    // Only running off the end of a shipped year into a missing one may fail.
                    prop_assert_eq!(error, CalendarError::MissingYear(from.year() + 1));
                    prop_assert!(!SHIPPED_YEARS.contains(&(from.year() + 1)));
                    return Ok(());
                }
            };
            let from_is_working = calendar.is_working_day(from).unwrap();
            prop_assert!(calendar.is_working_day(result).unwrap());
            prop_assert!(result >= from);
            let expected = if from_is_working { i64::from(n) } else { i64::from(n.max(1)) };
            prop_assert_eq!(calendar.working_days_between(from, result), Ok(expected));
            if result > from {
                prop_assert_eq!(calendar.working_days_between(from, result.previous_day().unwrap()), Ok(expected - 1));
            } else {
                prop_assert!(n == 0 && from_is_working);
            }
        }

        /// Swapping the ends flips the sign, and counts add up across a middle day.
        #[test]
        fn working_days_between_is_antisymmetric_and_additive(a in shipped_date(), b in shipped_date(), c in shipped_date()) {
            let calendar = calendar();
            if let (Ok(ab), Ok(bc), Ok(ac)) =
                (calendar.working_days_between(a, b), calendar.working_days_between(b, c), calendar.working_days_between(a, c))
            {
                prop_assert_eq!(calendar.working_days_between(b, a), Ok(-ab));
                prop_assert_eq!(ab + bc, ac);
            }
        }

        /// Whatever an operator's file holds, reading it never panics.
        #[test]
        fn parsing_arbitrary_text_never_panics(text in "(year 2020\n|status official\n|holiday |workday |2020-0[1-9]-[0-3][0-9]|\\.\\.| 春节|\n|#|[ -~]){0,40}") {
            let _ = WorkCalendar::parse_year(&text);
        }
    }
}
