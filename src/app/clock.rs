//! The business clock and the context the work-order use cases run in.
//!
//! Production runs on real time. The demo zone lives on the day of its
//! newspaper page (2020-03-19), so its limits, countdowns and briefing read as
//! they did then; only the business clock is shifted, never sessions or the
//! audit log.

use std::sync::Arc;

use time::{Date, OffsetDateTime, UtcOffset};

use crate::domain::calendar::WorkCalendar;
use crate::store::Db;

/// China Standard Time: limits and periods are local days.
pub const LOCAL: UtcOffset = time::macros::offset!(+8);

/// Real time, or real time moved by a fixed amount.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Clock {
    shift: time::Duration,
}

impl Clock {
    pub fn system() -> Clock {
        Clock::default()
    }

    /// A clock on which today is `day`, the time of day running as usual.
    pub fn on_day(day: Date) -> Clock {
        let real = OffsetDateTime::now_utc().to_offset(LOCAL);
        Clock { shift: day.midnight().assume_offset(LOCAL) - real.date().midnight().assume_offset(LOCAL) }
    }

    pub fn now(&self) -> OffsetDateTime {
        OffsetDateTime::now_utc() + self.shift
    }

    pub fn is_shifted(&self) -> bool {
        !self.shift.is_zero()
    }
}

/// Today's local date at `at`.
pub fn local_date(at: OffsetDateTime) -> Date {
    at.to_offset(LOCAL).date()
}

/// A date as the YYYY-MM-DD text the store keeps.
pub fn date_text(day: Date) -> String {
    day.format(time::macros::format_description!("[year]-[month]-[day]")).unwrap_or_default()
}

/// # Errors
/// Not a YYYY-MM-DD date.
pub fn parse_date(text: &str) -> Result<Date, time::error::Parse> {
    Date::parse(text.trim(), time::macros::format_description!("[year]-[month]-[day]"))
}

/// What the work-order use cases need besides the actor: the database, the
/// working-day calendar and the moment they act at.
#[derive(Clone)]
pub struct WorkContext {
    pub db: Db,
    pub calendar: Arc<WorkCalendar>,
    pub now: OffsetDateTime,
}

impl WorkContext {
    pub fn today(&self) -> Date {
        local_date(self.now)
    }

    pub fn today_text(&self) -> String {
        date_text(self.today())
    }

    pub fn now_text(&self) -> String {
        crate::store::timestamp(self.now)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_shifted_clock_reads_its_day() {
        let day = time::macros::date!(2020 - 03 - 19);
        let clock = Clock::on_day(day);
        assert_eq!(local_date(clock.now()), day);
        assert!(clock.is_shifted());
        assert!(!Clock::system().is_shifted());
    }

    #[test]
    fn local_dates_turn_at_midnight_in_china() {
        let late_utc = time::macros::datetime!(2020-03-18 16:30 UTC);
        assert_eq!(date_text(local_date(late_utc)), "2020-03-19");
    }
}
