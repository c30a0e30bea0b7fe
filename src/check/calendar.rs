//! Working days: Monday to Friday, minus the site's holidays, plus its
//! make-up working days (调休上班日).

use crate::content::site::Site;
use chrono::{Datelike, NaiveDate, Weekday};

pub fn is_working_day(d: NaiveDate, site: &Site) -> bool {
    if site.workdays.binary_search(&d).is_ok() {
        return true;
    }
    if site.holidays.binary_search(&d).is_ok() {
        return false;
    }
    !matches!(d.weekday(), Weekday::Sat | Weekday::Sun)
}

/// The date of the `n`-th working day after `from` (not counting `from`).
pub fn add_working_days(from: NaiveDate, n: u32, site: &Site) -> NaiveDate {
    let mut d = from;
    let mut left = n;
    // A year of holidays cannot hold more than 366 days: bound the walk.
    let mut steps = 0u32;
    while left > 0 && steps < n.saturating_mul(7).saturating_add(400) {
        d = match d.succ_opt() {
            Some(next) => next,
            None => return NaiveDate::MAX,
        };
        steps += 1;
        if is_working_day(d, site) {
            left -= 1;
        }
    }
    d
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn seven_working_days_skip_the_weekend() {
        let site = Site::default();
        // Thursday 2022-01-06 + 7 working days = Monday 2022-01-17
        assert_eq!(
            add_working_days(date("2022-01-06"), 7, &site),
            date("2022-01-17")
        );
    }

    #[test]
    fn holidays_and_make_up_days() {
        let site = Site {
            holidays: vec![date("2022-01-31"), date("2022-02-01"), date("2022-02-02")],
            workdays: vec![date("2022-01-29")],
            ..Site::default()
        };
        // Friday 2022-01-28: Sat 29 (make-up) is day 1, then Feb 3, 4, 7, 8, 9, 10.
        assert_eq!(
            add_working_days(date("2022-01-28"), 7, &site),
            date("2022-02-10")
        );
    }
}
