//! The fixed report forms of the 百日攻坚 campaign (seed 003): the daily
//! 四个清单 (附件4) and the weekly statistics table (附件5), computed from
//! the public view — so nobody fills them in by hand again.
//!
//! A record belongs to the day of its event: an action to its 决定日期, a
//! hazard to its 挂牌日期, an accountability decision to its 决定日期, a
//! typical case to its 发布日期, a daily tally to its 日期.

pub use crate::publish::calendar::{Calendar, event_day, week_key, weekly_day};
use crate::publish::{PubBody, PubRecord, PublicSite};
use chrono::{Datelike, NaiveDate};
use serde::Serialize;
use std::collections::BTreeMap;

/// One row of 进展清单.
#[derive(Debug, Clone, Default, Serialize, PartialEq)]
pub struct ProgressRow {
    pub unit: String,
    pub groups: u32,
    pub companies: u32,
    pub illegal: u32,
    pub hazards: u32,
    pub rectify: u32,
    pub fines: f64,
    pub suspend: u32,
    pub licences: u32,
    pub closed: u32,
    pub accountability: u32,
    pub exposed: u32,
    pub typical: u32,
}

impl ProgressRow {
    fn add(&mut self, o: &ProgressRow) {
        self.groups += o.groups;
        self.companies += o.companies;
        self.illegal += o.illegal;
        self.hazards += o.hazards;
        self.rectify += o.rectify;
        self.fines = ((self.fines + o.fines) * 10_000.0).round() / 10_000.0;
        self.suspend += o.suspend;
        self.licences += o.licences;
        self.closed += o.closed;
        self.accountability += o.accountability;
        self.exposed += o.exposed;
        self.typical += o.typical;
    }
}

/// A row of 执法检查清单.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct EnforcementRow {
    pub party: String,
    pub reason: String,
    pub accepted: String,
    pub accept_unit: String,
    pub outcome: String,
    pub note: String,
    pub url: String,
}

/// One of the five tables of 执法检查清单.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct EnforcementTable {
    pub measure: &'static str,
    pub head: &'static str,
    pub reason_head: &'static str,
    pub rows: Vec<EnforcementRow>,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct AccountabilityRow {
    pub name: String,
    pub unit: String,
    pub post: String,
    pub form: String,
    pub url: String,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct HazardRow {
    pub inspector: String,
    pub sector: String,
    pub party: String,
    pub content: String,
    pub measures: String,
    pub deadline: String,
    pub resp_unit: String,
    pub resp_person: String,
    pub listing_unit: String,
    pub listing_person: String,
    pub signoff: String,
    pub url: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct DailyReport {
    pub date: NaiveDate,
    pub progress: Vec<ProgressRow>,
    pub total: ProgressRow,
    pub enforcement: Vec<EnforcementTable>,
    pub accountability: Vec<AccountabilityRow>,
    pub hazards: Vec<HazardRow>,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct WeeklyRow {
    pub name: String,
    pub checker: String,
    pub escalated: &'static str,
    pub town: String,
    pub category: String,
    pub detail: String,
    pub nature: String,
    pub measures: String,
    pub url: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct WeeklyReport {
    /// `2022-W03`
    pub key: String,
    pub start: NaiveDate,
    pub end: NaiveDate,
    pub rows: Vec<WeeklyRow>,
}

const MEASURES: [(&str, &str, &str); 5] = [
    ("责令限期整改", "责令限期整改企业", "整改原因"),
    ("行政处罚", "行政处罚款", "罚款原因"),
    ("停产整顿", "停产整顿", "停产原因"),
    ("暂扣吊销证照", "暂扣吊销证照", "暂扣吊销原因"),
    ("关闭取缔", "关闭取缔", "关闭取缔原因"),
];

/// Every day with activity, oldest first.
pub fn active_days(public: &PublicSite) -> Vec<NaiveDate> {
    public.calendar().days.keys().copied().collect()
}

fn party_name(r: &PubRecord) -> String {
    r.party.as_ref().map(|p| p.name.clone()).unwrap_or_default()
}

fn unit_of(r: &PubRecord) -> String {
    r.region.clone().unwrap_or_else(|| "未填写地区".to_string())
}

/// 整改销号情况, written as the form writes it.
pub fn signoff_text(h: &crate::content::model::Hazard, date: NaiveDate) -> String {
    use crate::publish::{Badge, hazard_status};
    match (hazard_status(h, date), &h.signoff) {
        (Badge::SignedOff, Some(s)) => format!(
            "{}年{:02}月{:02}日，经{}验收，整改完毕销号。",
            s.date.year(),
            s.date.month(),
            s.date.day(),
            s.unit
        ),
        (Badge::Overdue, _) => format!("已逾期（整改时限 {}），未销号", h.deadline),
        (status, _) => status.label().to_string(),
    }
}

fn entry(rows: &mut BTreeMap<String, ProgressRow>, unit: String) -> &mut ProgressRow {
    rows.entry(unit.clone()).or_insert_with(|| ProgressRow {
        unit,
        ..ProgressRow::default()
    })
}

impl ProgressRow {
    /// An enforcement action in 附件1's columns.
    fn count(&mut self, a: &crate::content::model::Action) {
        self.illegal += 1;
        match a.measure.as_str() {
            "责令限期整改" => self.rectify += 1,
            "行政处罚" => {
                self.fines = ((self.fines + a.fine.unwrap_or(0.0)) * 10_000.0).round() / 10_000.0
            }
            "停产整顿" => self.suspend += 1,
            "暂扣吊销证照" => self.licences += 1,
            "关闭取缔" => self.closed += 1,
            _ => {}
        }
    }
}

pub fn daily(public: &PublicSite, day: NaiveDate) -> DailyReport {
    let records: Vec<&PubRecord> = public
        .calendar()
        .days
        .get(&day)
        .map(|ix| ix.iter().map(|i| &public.records[*i]).collect())
        .unwrap_or_default();
    let mut rows: BTreeMap<String, ProgressRow> = BTreeMap::new();
    let mut enforcement: Vec<EnforcementTable> = MEASURES
        .iter()
        .map(|(measure, head, reason)| EnforcementTable {
            measure,
            head,
            reason_head: reason,
            rows: Vec::new(),
        })
        .collect();
    let mut accountability = Vec::new();
    let mut hazards = Vec::new();
    for r in &records {
        match &r.body {
            PubBody::Daily(d) => {
                for reg in &d.regions {
                    let x = entry(&mut rows, reg.name.clone());
                    x.groups += reg.groups;
                    x.companies += reg.companies;
                }
            }
            PubBody::Action(a) => {
                entry(&mut rows, unit_of(r)).count(a);
                if let Some(t) = enforcement.iter_mut().find(|t| t.measure == a.measure) {
                    t.rows.push(enforcement_row(r, a));
                }
            }
            PubBody::Hazard(h) => {
                entry(&mut rows, unit_of(r)).hazards += 1;
                hazards.push(hazard_row(r, h, public.date));
            }
            PubBody::Accountability(a) => {
                entry(&mut rows, unit_of(r)).accountability += 1;
                accountability.push(accountability_row(r, a));
            }
            PubBody::Case(c) => {
                let x = entry(&mut rows, unit_of(r));
                x.typical += 1;
                if c.result.measures.iter().any(|m| m == "公开曝光") {
                    x.exposed += 1;
                }
            }
            _ => {}
        }
    }
    let progress: Vec<ProgressRow> = rows.into_values().collect();
    let mut total = ProgressRow {
        unit: "总计".into(),
        ..ProgressRow::default()
    };
    for p in &progress {
        total.add(p);
    }
    DailyReport {
        date: day,
        progress,
        total,
        enforcement,
        accountability,
        hazards,
    }
}

/// A row of 附件2's table of a measure.
fn enforcement_row(r: &PubRecord, a: &crate::content::model::Action) -> EnforcementRow {
    let party = match (a.measure.as_str(), a.fine) {
        ("行政处罚", Some(f)) => format!(
            "{}（罚款 {} 万元）",
            party_name(r),
            crate::base::format_wan(f)
        ),
        _ => party_name(r),
    };
    let acceptance = |f: fn(&crate::content::model::Acceptance) -> String| {
        a.acceptance.as_ref().map(f).unwrap_or_default()
    };
    EnforcementRow {
        party,
        reason: a.reason.clone(),
        accepted: acceptance(|x| x.date.to_string()),
        accept_unit: acceptance(|x| x.unit.clone()),
        outcome: acceptance(|x| x.outcome.clone()),
        note: a.doc_no.clone().unwrap_or_default(),
        url: r.url.clone(),
    }
}

/// A row of 清单4 (重大隐患挂牌督办).
fn hazard_row(r: &PubRecord, h: &crate::content::model::Hazard, date: NaiveDate) -> HazardRow {
    HazardRow {
        inspector: h.inspector.clone(),
        sector: r.sector.clone().unwrap_or_default(),
        party: party_name(r),
        content: h.content.clone(),
        measures: h.measures.clone(),
        deadline: h.deadline.to_string(),
        resp_unit: h.resp_unit.clone(),
        resp_person: h.resp_person.clone(),
        listing_unit: h.listing_unit.clone(),
        listing_person: h.listing_person.clone(),
        signoff: signoff_text(h, date),
        url: r.url.clone(),
    }
}

/// A row of 清单3 (追责问责), with the name as published (masked or not).
fn accountability_row(
    r: &PubRecord,
    a: &crate::content::model::Accountability,
) -> AccountabilityRow {
    let name = r
        .data
        .get("姓名")
        .and_then(|v| v.as_str())
        .unwrap_or(&a.name)
        .to_string();
    AccountabilityRow {
        name,
        unit: a.unit.clone(),
        post: a.post.clone(),
        form: a.form.clone(),
        url: r.url.clone(),
    }
}

/// `YYYY-Www` of a date (ISO week).
/// The Monday of an ISO week key `YYYY-Www`.
pub fn week_monday(key: &str) -> NaiveDate {
    let (y, w) = key.split_once("-W").unwrap_or(("1970", "1"));
    NaiveDate::from_isoywd_opt(
        y.parse().unwrap_or(1970),
        w.parse().unwrap_or(1),
        chrono::Weekday::Mon,
    )
    .unwrap_or_default()
}

pub fn weeks(public: &PublicSite) -> Vec<String> {
    public.calendar().weeks.keys().cloned().collect()
}

/// A record's row of 附件5 (每周检查情况), if it has one.
fn weekly_row(r: &PubRecord) -> Option<WeeklyRow> {
    let town = unit_of(r);
    let category = r.sector.clone().unwrap_or_default();
    Some(match &r.body {
        PubBody::Action(a) => WeeklyRow {
            name: party_name(r),
            checker: a.authority.clone(),
            escalated: "否",
            town,
            category,
            detail: a.reason.clone(),
            nature: if a.classes.is_empty() {
                "非法违法生产经营行为".into()
            } else {
                a.classes.join("、")
            },
            measures: match a.fine {
                Some(f) => format!("{}（罚款 {} 万元）", a.measure, crate::base::format_wan(f)),
                None => a.measure.clone(),
            },
            url: r.url.clone(),
        },
        PubBody::Hazard(h) => WeeklyRow {
            name: party_name(r),
            checker: h.inspector.clone(),
            escalated: "否",
            town,
            category,
            detail: h.content.clone(),
            nature: "重大事故隐患".into(),
            measures: format!("挂牌督办（{}），整改时限 {}", h.listing_unit, h.deadline),
            url: r.url.clone(),
        },
        PubBody::Clue(c) => WeeklyRow {
            name: party_name(r),
            checker: c.assign_unit.clone().unwrap_or_default(),
            escalated: "是",
            town: c.locality.clone(),
            category,
            detail: c.summary.clone(),
            nature: c
                .results
                .iter()
                .find(|x| x.item == "违法性质")
                .map(|x| x.text.clone())
                .unwrap_or_else(|| c.kind.clone()),
            measures: c
                .results
                .iter()
                .filter(|x| x.item != "违法性质")
                .map(|x| format!("{}：{}", x.item, x.text))
                .collect::<Vec<_>>()
                .join("；"),
            url: r.url.clone(),
        },
        _ => return None,
    })
}

pub fn weekly(public: &PublicSite, key: &str) -> WeeklyReport {
    let mut rows = Vec::new();
    let mut start = None;
    let mut end = None;
    let mut recs: Vec<&PubRecord> = public
        .calendar()
        .weeks
        .get(key)
        .map(|ix| ix.iter().map(|i| &public.records[*i]).collect())
        .unwrap_or_default();
    recs.sort_by_key(|r| (weekly_day(r), r.kind, r.id.clone()));
    for r in recs {
        let d = weekly_day(r).unwrap_or(r.published);
        let monday = d - chrono::Days::new(u64::from(d.weekday().num_days_from_monday()));
        start = Some(monday);
        end = Some(monday + chrono::Days::new(6));
        if let Some(row) = weekly_row(r) {
            rows.push(row);
        }
    }
    let today = public.date;
    WeeklyReport {
        key: key.to_string(),
        start: start.unwrap_or(today),
        end: end.unwrap_or(today),
        rows,
    }
}
