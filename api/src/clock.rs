//! The one source of "now" and "today" for the whole server.
//!
//! Every answer that depends on the date ("certified today", "in force today", receipts, cache
//! keys) reads this clock, so tests can move it: `CLOCK_START` starts the clock at a given
//! instant and lets it run on from there, the same for every part of the server.

use std::sync::atomic::{AtomicI64, Ordering};

use chrono::{DateTime, NaiveDate, TimeDelta, Utc};

/// Nanoseconds added to the system clock; 0 unless the clock was started elsewhere in time.
static OFFSET_NANOS: AtomicI64 = AtomicI64::new(0);

/// Starts the clock at `start` (it runs on from there); called once, from the configuration.
pub fn start_at(start: DateTime<Utc>) {
    let offset = (start - Utc::now()).num_nanoseconds().unwrap_or(0);
    OFFSET_NANOS.store(offset, Ordering::Relaxed);
}

/// The current instant.
pub fn now() -> DateTime<Utc> {
    Utc::now() + TimeDelta::nanoseconds(OFFSET_NANOS.load(Ordering::Relaxed))
}

/// Today's date (UTC): the day "certified today" is answered for.
pub fn today() -> NaiveDate {
    now().date_naive()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_started_clock_runs_on_from_its_start() {
        let start = DateTime::parse_from_rfc3339("2031-02-03T23:59:58Z")
            .map(|time| time.with_timezone(&Utc))
            .expect("a valid instant");
        start_at(start);
        let read = now();
        assert!(read >= start && read - start < TimeDelta::seconds(5), "{read}");
        assert_eq!(today(), NaiveDate::from_ymd_opt(2031, 2, 3).expect("a valid date"));
        start_at(Utc::now());
    }
}
