//! Which published records count for which day and which ISO week: the
//! days of the daily reports (四个清单) and the weeks of the weekly table,
//! worked out once per public view.

use super::{PubBody, PubRecord, PublicSite};
use crate::content::model::Kind;
use chrono::{Datelike, NaiveDate};
use std::collections::BTreeMap;

/// The day a record counts for in the reports.
pub fn event_day(r: &PubRecord) -> Option<NaiveDate> {
    match &r.body {
        PubBody::Action(a) => Some(a.decided),
        PubBody::Hazard(h) => Some(h.listed),
        PubBody::Accountability(a) => Some(a.decided),
        PubBody::Case(_) => Some(r.published),
        PubBody::Daily(d) => Some(d.date),
        _ => None,
    }
}

/// The records of each day and of each ISO week, as indices into
/// `PublicSite::records`, computed once per build.
#[derive(Debug, Default)]
pub struct Calendar {
    pub days: BTreeMap<NaiveDate, Vec<usize>>,
    pub weeks: BTreeMap<String, Vec<usize>>,
}

impl Calendar {
    pub fn new(public: &PublicSite) -> Calendar {
        let mut c = Calendar::default();
        for (i, r) in public.records.iter().enumerate() {
            if r.preview.is_some() {
                continue;
            }
            if let Some(d) = event_day(r).filter(|d| *d <= public.date) {
                c.days.entry(d).or_default().push(i);
            }
            if matches!(r.kind, Kind::Actions | Kind::Hazards | Kind::Clues)
                && let Some(d) = weekly_day(r).filter(|d| *d <= public.date)
            {
                c.weeks.entry(week_key(d)).or_default().push(i);
            }
        }
        c
    }
}

/// The key `YYYY-Www` of the ISO week of `d`.
pub fn week_key(d: NaiveDate) -> String {
    let w = d.iso_week();
    format!("{}-W{:02}", w.year(), w.week())
}

/// The day a record counts for in the weekly table: a clue counts when it
/// was escalated (提级核查), the others as in the daily reports.
pub fn weekly_day(r: &PubRecord) -> Option<NaiveDate> {
    match &r.body {
        PubBody::Clue(c) => c
            .results
            .iter()
            .any(|x| x.item == "提级核查")
            .then_some(c.received),
        _ => event_day(r),
    }
}
