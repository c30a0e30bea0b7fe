//! Reports and statistics: figures computed from the public view — the
//! daily 四个清单 and the weekly table as pages, CSV and XLSX, and the
//! statistics page with its SVG charts.

pub mod charts;
pub mod forms;
pub mod sheets;

use crate::output::Staging;
use rayon::prelude::*;

use crate::content::model::Kind;
use crate::publish::{PubBody, PublicSite, clue_deadline};
use serde::Serialize;
use std::collections::BTreeMap;

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Rate {
    pub num: usize,
    pub den: usize,
    /// Percent with at most one decimal (`66.7%`, `50%`), or `None` when
    /// there is nothing to count.
    pub percent: Option<String>,
}

impl Rate {
    pub fn new(num: usize, den: usize) -> Rate {
        let percent = (den > 0).then(|| {
            let p = (num as f64 * 1000.0 / den as f64).round() / 10.0;
            format!("{}%", crate::base::format_wan(p))
        });
        Rate { num, den, percent }
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct Stats {
    pub kinds: Vec<String>,
    pub totals: Vec<(String, usize)>,
    pub months: Vec<(String, usize)>,
    pub fines_by_month: Vec<(String, f64)>,
    pub by_month: Vec<(String, BTreeMap<String, usize>)>,
    pub actions_by_region: Vec<(String, usize)>,
    pub actions_by_sector: Vec<(String, usize)>,
    pub actions_by_equipment: Vec<(String, usize)>,
    pub fines_total: f64,
    pub fines_count: usize,
    pub hazard_rate: Rate,
    pub hazards_overdue: usize,
    pub timely: Rate,
    pub clues_answered_in_time: Rate,
    pub blacklist_size: usize,
}

fn tally<'a>(items: impl Iterator<Item = &'a str>) -> Vec<(String, usize)> {
    let mut m: BTreeMap<&str, usize> = BTreeMap::new();
    for i in items {
        *m.entry(i).or_default() += 1;
    }
    let mut v: Vec<(String, usize)> = m.into_iter().map(|(k, n)| (k.to_string(), n)).collect();
    v.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    v
}

/// The months (`YYYY-MM`) from the first key of `by_month` to its last.
fn consecutive_months<V>(by_month: &BTreeMap<String, V>) -> Vec<String> {
    let parse = |m: &String| {
        let (y, mo) = m.split_once('-')?;
        Some((y.parse::<i32>().ok()?, mo.parse::<u32>().ok()?))
    };
    let (Some(first), Some(last)) = (
        by_month.keys().next().and_then(parse),
        by_month.keys().next_back().and_then(parse),
    ) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    let (mut y, mut m) = first;
    while (y, m) <= last && out.len() < 1200 {
        out.push(format!("{y:04}-{m:02}"));
        (y, m) = if m == 12 { (y + 1, 1) } else { (y, m + 1) };
    }
    out
}

/// Fines and the timeliness of penalty publication.
#[derive(Default)]
struct Penalties {
    total: f64,
    count: usize,
    by_month: BTreeMap<String, f64>,
    penalties: usize,
    /// Published within the working days the site allows.
    timely: usize,
}

impl Penalties {
    fn of(actions: &[&crate::publish::PubRecord], site: &crate::content::site::Site) -> Self {
        let mut p = Penalties::default();
        for r in actions {
            let PubBody::Action(a) = &r.body else {
                continue;
            };
            if let Some(f) = a.fine {
                p.total += f;
                p.count += 1;
                *p.by_month
                    .entry(a.decided.format("%Y-%m").to_string())
                    .or_default() += f;
            }
            if a.measure == "行政处罚" {
                p.penalties += 1;
                let deadline = site.add_working_days(a.decided, site.working_days);
                if r.published <= deadline {
                    p.timely += 1;
                }
            }
        }
        p
    }
}

/// Of the clues assigned, how many were answered by their deadline: (in
/// time, assigned).
fn clues_in_time<'a>(
    clues: impl Iterator<Item = &'a crate::publish::PubRecord<'a>>,
    public: &PublicSite,
) -> (usize, usize) {
    let mut assigned = 0;
    let mut in_time = 0;
    for r in clues {
        if let PubBody::Clue(c) = &r.body
            && c.assigned.is_some()
        {
            assigned += 1;
            if let (Some(a), Some(d)) = (c.answered, clue_deadline(c, public.site))
                && a <= d
                && a <= public.date
            {
                in_time += 1;
            }
        }
    }
    (in_time, assigned)
}

pub fn stats(public: &PublicSite) -> Stats {
    let site = public.site;
    let listed = || public.records.iter().filter(|r| r.preview.is_none());
    let totals = Kind::LISTED
        .iter()
        .map(|k| {
            (
                k.label().to_string(),
                listed().filter(|r| r.kind == *k).count(),
            )
        })
        .collect();
    let mut by_month: BTreeMap<String, BTreeMap<String, usize>> = BTreeMap::new();
    for r in listed().filter(|r| Kind::LISTED.contains(&r.kind)) {
        *by_month
            .entry(r.published.format("%Y-%m").to_string())
            .or_default()
            .entry(r.kind.label().to_string())
            .or_default() += 1;
    }
    let actions: Vec<_> = listed().filter(|r| r.kind == Kind::Actions).collect();
    let unknown = "未填写";
    let actions_by_region = tally(
        actions
            .iter()
            .map(|r| r.region.as_deref().unwrap_or(unknown)),
    );
    let actions_by_sector = tally(
        actions
            .iter()
            .map(|r| r.sector.as_deref().unwrap_or(unknown)),
    );
    let actions_by_equipment = tally(actions.iter().filter_map(|r| r.equipment.as_deref()));
    let penalty = Penalties::of(&actions, site);
    let hazards: Vec<_> = listed().filter(|r| r.kind == Kind::Hazards).collect();
    use crate::publish::Badge;
    let is = |r: &&crate::publish::PubRecord, b: Badge| r.status == Some(b);
    let signed = hazards.iter().filter(|r| is(r, Badge::SignedOff)).count();
    let hazards_overdue = hazards.iter().filter(|r| is(r, Badge::Overdue)).count();
    let (in_time, assigned) = clues_in_time(listed().filter(|r| r.kind == Kind::Clues), public);
    let blacklist_size = listed()
        .filter(|r| r.kind == Kind::Blacklist && is(r, Badge::Listed))
        .count();
    // Every month from the first to the last, those without records as 0.
    for m in consecutive_months(&by_month) {
        by_month.entry(m).or_default();
    }
    let months = by_month
        .iter()
        .map(|(m, k)| (m.clone(), k.values().sum()))
        .collect();
    Stats {
        kinds: Kind::LISTED.iter().map(|k| k.label().to_string()).collect(),
        totals,
        months,
        fines_by_month: {
            let mut by_month = penalty.by_month;
            for m in consecutive_months(&by_month) {
                by_month.entry(m).or_default();
            }
            by_month
        }
        .into_iter()
        .map(|(m, f)| (m, (f * 10_000.0).round() / 10_000.0))
        .collect(),
        by_month: by_month.into_iter().collect(),
        actions_by_region,
        actions_by_sector,
        actions_by_equipment,
        fines_total: (penalty.total * 10_000.0).round() / 10_000.0,
        fines_count: penalty.count,
        hazard_rate: Rate::new(signed, hazards.len()),
        hazards_overdue,
        timely: Rate::new(penalty.timely, penalty.penalties),
        clues_answered_in_time: Rate::new(in_time, assigned),
        blacklist_size,
    }
}

/// The charts of the statistics page, as SVG.
pub fn charts(s: &Stats) -> BTreeMap<&'static str, String> {
    let f = |v: &[(String, usize)]| {
        v.iter()
            .map(|(k, n)| (k.clone(), *n as f64))
            .collect::<Vec<_>>()
    };
    let mut m = BTreeMap::new();
    let by_kind: Vec<(String, Vec<f64>)> = s
        .by_month
        .iter()
        .map(|(month, counts)| {
            (
                month.clone(),
                s.kinds
                    .iter()
                    .map(|k| *counts.get(k).unwrap_or(&0) as f64)
                    .collect(),
            )
        })
        .collect();
    m.insert(
        "months",
        charts::stacked("c-months", "每月各类公开信息数量", &s.kinds, &by_kind),
    );
    m.insert(
        "totals",
        charts::bars("c-totals", "各类公开信息数量", &f(&s.totals)),
    );
    m.insert(
        "region",
        charts::bars("c-region", "执法措施按地区", &f(&s.actions_by_region)),
    );
    m.insert(
        "sector",
        charts::bars("c-sector", "执法措施按行业领域", &f(&s.actions_by_sector)),
    );
    m.insert(
        "equipment",
        charts::bars(
            "c-equipment",
            "执法措施按设备类别",
            &f(&s.actions_by_equipment),
        ),
    );
    m.insert(
        "fines",
        charts::columns("c-fines", "每月罚款金额（万元）", &s.fines_by_month),
    );
    m
}

/// CSV and XLSX of every daily and weekly report. A report whose content is
/// the same as in the previous build is taken from it (see
/// `render::cache`): spreadsheets are the costliest files to make.
pub fn write_sheets(
    public: &PublicSite,
    staging: &Staging,
    cache: &crate::output::cache::PageCache,
) {
    let fingerprint = concat!("sheets ", env!("CARGO_PKG_VERSION"));
    let emit = |stem: String, key: String, make: &dyn Fn() -> (Vec<u8>, Option<Vec<u8>>)| {
        let (csv, xlsx) = (format!("{stem}.csv"), format!("{stem}.xlsx"));
        if cache.take(staging, &[&csv, &xlsx], &key) {
            return;
        }
        let (c, x) = make();
        staging.write(&csv, &c, None);
        cache.record(&csv, key.clone(), false);
        if let Some(x) = x {
            staging.write(&xlsx, &x, None);
            cache.record(&xlsx, key, false);
        }
    };
    forms::active_days(public).par_iter().for_each(|day| {
        let r = forms::daily(public, *day);
        let key = cache.key(fingerprint, &r);
        emit(format!("reports/daily/{day}"), key, &|| {
            (sheets::daily_csv(&r), sheets::daily_xlsx(&r).ok())
        });
    });
    forms::weeks(public).par_iter().for_each(|week| {
        let r = forms::weekly(public, week);
        let key = cache.key(fingerprint, &r);
        emit(format!("reports/weekly/{week}"), key, &|| {
            (sheets::weekly_csv(&r), sheets::weekly_xlsx(&r).ok())
        });
    });
}
