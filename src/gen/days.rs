//! Time for the generator: moments as UTC microseconds, local (UTC+8) days as
//! day numbers, the text forms the store keeps, and the working-day calendar
//! (limits through `WorkCalendar` itself, so a generated deadline is the one the
//! app would compute; working hours for how long people take to act).
//!
//! Integers instead of `OffsetDateTime` because a province holds millions of
//! moments: the arithmetic and the formatting are the generator's hot path.

use std::collections::HashMap;

use crate::domain::calendar::{CalendarError, WorkCalendar};

/// A moment: microseconds since 1970-01-01T00:00:00Z.
pub type Micros = i64;
/// A local (China Standard Time) date: days since 1970-01-01.
pub type Day = i32;

pub const SECOND: Micros = 1_000_000;
pub const MINUTE: Micros = 60 * SECOND;
pub const HOUR: Micros = 60 * MINUTE;
pub const DAY: Micros = 24 * HOUR;
/// China Standard Time is UTC+8 all year.
const LOCAL_OFFSET: Micros = 8 * HOUR;
/// Office hours, local: 08:30–18:00.
const WORK_START: Micros = 8 * HOUR + 30 * MINUTE;
const WORK_END: Micros = 18 * HOUR;
/// One working day of office time.
pub const WORKING_DAY: Micros = WORK_END - WORK_START;

pub fn from_datetime(at: time::OffsetDateTime) -> Micros {
    (at.unix_timestamp_nanos() / 1000) as Micros
}

/// The local day a moment falls on.
pub fn local_day(t: Micros) -> Day {
    (t + LOCAL_OFFSET).div_euclid(DAY) as Day
}

/// The moment a local day begins.
pub fn local_midnight(day: Day) -> Micros {
    i64::from(day) * DAY - LOCAL_OFFSET
}

/// The time of day, local, in microseconds since midnight.
pub fn local_time_of_day(t: Micros) -> Micros {
    (t + LOCAL_OFFSET).rem_euclid(DAY)
}

pub fn day_of(date: time::Date) -> Day {
    date.to_julian_day() - UNIX_JULIAN_DAY
}

pub fn date_of(day: Day) -> Option<time::Date> {
    time::Date::from_julian_day(day + UNIX_JULIAN_DAY).ok()
}

const UNIX_JULIAN_DAY: i32 = 2_440_588;

/// The UTC text every timestamp column holds, as `store::timestamp` writes it
/// ("2020-03-19T01:00:00.300000Z").
pub fn timestamp(t: Micros) -> String {
    let days = t.div_euclid(DAY);
    let rest = t.rem_euclid(DAY);
    let (y, m, d) = civil(days);
    let (secs, micros) = (rest / SECOND, rest % SECOND);
    format!("{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}.{micros:06}Z", secs / 3600, secs / 60 % 60, secs % 60)
}

/// A local day as the YYYY-MM-DD text of date columns.
pub fn date_text(day: Day) -> String {
    let (y, m, d) = civil(i64::from(day));
    format!("{y:04}-{m:02}-{d:02}")
}

/// The proleptic Gregorian date of a day number (H. Hinnant's `civil_from_days`).
fn civil(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let y = yoe + era * 400 + i64::from(m <= 2);
    (y, m, d)
}

/// The working-day calendar over the generator's period.
pub struct Days {
    calendar: WorkCalendar,
    first: Day,
    working: Vec<bool>,
    limits: HashMap<(Day, u32), Day>,
}

impl Days {
    /// Working days from `first` to `last` (local days), looked up once.
    ///
    /// # Errors
    /// A day in a year the calendar has no file for.
    pub fn new(calendar: WorkCalendar, first: Day, last: Day) -> Result<Days, CalendarError> {
        let mut working = Vec::with_capacity((last - first + 1).max(0) as usize);
        for day in first..=last {
            let date = date_of(day).ok_or(CalendarError::MissingYear(0))?;
            working.push(calendar.is_working_day(date)?);
        }
        Ok(Days { calendar, first, working, limits: HashMap::new() })
    }

    pub fn is_working(&self, day: Day) -> bool {
        usize::try_from(day - self.first).ok().and_then(|i| self.working.get(i)).copied().unwrap_or(false)
    }

    fn covers(&self, day: Day) -> bool {
        day >= self.first && ((day - self.first) as usize) < self.working.len()
    }

    /// The day a limit of `n` working days from `day` falls on, exactly as the
    /// app computes it (`WorkCalendar::add_working_days`), remembered.
    ///
    /// # Errors
    /// The limit runs into a year without a calendar file.
    pub fn add_working_days(&mut self, day: Day, n: u32) -> Result<Day, CalendarError> {
        if let Some(d) = self.limits.get(&(day, n)) {
            return Ok(*d);
        }
        let date = date_of(day).ok_or(CalendarError::MissingYear(0))?;
        let limit = day_of(self.calendar.add_working_days(date, n)?);
        self.limits.insert((day, n), limit);
        Ok(limit)
    }

    /// The moment `work` of office time after `from` has passed (office hours on
    /// working days). Past the calendar's range the answer is `Micros::MAX / 2`:
    /// the generator never acts there.
    pub fn after_work(&self, from: Micros, work: Micros) -> Micros {
        let mut day = local_day(from);
        let mut at = local_time_of_day(from);
        let mut left = work.max(0);
        loop {
            if !self.covers(day) {
                return Micros::MAX / 2;
            }
            if self.is_working(day) && at < WORK_END {
                let start = at.max(WORK_START);
                if left <= WORK_END - start {
                    return local_midnight(day) + start + left;
                }
                left -= WORK_END - start;
            }
            day += 1;
            at = 0;
        }
    }

    /// Office time between two moments (0 when `to` is not after `from`).
    pub fn work_between(&self, from: Micros, to: Micros) -> Micros {
        let mut total = 0;
        let mut day = local_day(from);
        let last = local_day(to);
        while day <= last && self.covers(day) {
            if self.is_working(day) {
                let begin = if day == local_day(from) { local_time_of_day(from) } else { 0 };
                let end = if day == last { local_time_of_day(to) } else { DAY };
                total += (end.min(WORK_END) - begin.max(WORK_START)).max(0);
            }
            day += 1;
        }
        total
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timestamps_are_written_as_the_store_writes_them() {
        for at in [
            time::macros::datetime!(2020-03-19 09:00:00.3 +8),
            time::macros::datetime!(2026-12-31 23:59:59.999999 UTC),
            time::macros::datetime!(2024-02-29 00:00:00 UTC),
            time::macros::datetime!(1999-01-01 12:34:56.000001 +8),
        ] {
            assert_eq!(timestamp(from_datetime(at)), crate::store::timestamp(at));
            let day = local_day(from_datetime(at));
            assert_eq!(date_text(day), crate::app::clock::date_text(crate::app::clock::local_date(at)));
            assert_eq!(date_of(day), Some(crate::app::clock::local_date(at)));
        }
    }

    #[test]
    fn office_time_skips_nights_weekends_and_holidays() {
        let calendar = WorkCalendar::shipped();
        let first = day_of(time::macros::date!(2026 - 09 - 20));
        let days = Days::new(calendar, first, first + 60).unwrap();
        let friday_evening = from_datetime(time::macros::datetime!(2026-11-13 17:00 +8));
        let monday_morning = from_datetime(time::macros::datetime!(2026-11-16 09:30 +8));
        assert_eq!(days.after_work(friday_evening, 2 * HOUR), monday_morning);
        assert_eq!(days.work_between(friday_evening, monday_morning), 2 * HOUR);
        // 国庆节 2026-10-01..07: the hour left on the eve is worked on 10-08
        let eve = from_datetime(time::macros::datetime!(2026-09-30 17:30 +8));
        assert_eq!(days.after_work(eve, HOUR), from_datetime(time::macros::datetime!(2026-10-08 09:00 +8)));
        assert_eq!(days.after_work(eve, 100 * WORKING_DAY), Micros::MAX / 2);
    }

    #[test]
    fn limits_are_the_calendars() {
        let calendar = WorkCalendar::shipped();
        let first = day_of(time::macros::date!(2026 - 01 - 01));
        let mut days = Days::new(calendar.clone(), first, first + 300).unwrap();
        for day in first..first + 300 {
            for n in [0, 1, 3, 10] {
                let expected = calendar.add_working_days(date_of(day).unwrap(), n).unwrap();
                assert_eq!(days.add_working_days(day, n).unwrap(), day_of(expected));
            }
        }
    }
}
