//! What falls due: the clerk's morning list between a date and a number of
//! days after it, from the records as written (drafts and scheduled ones
//! included: they are the work in hand).

use crate::content::model::*;
use crate::content::site::{Period, Site};
use crate::publish::{action_publicity_end, clue_deadline, removal_date, title_of};
use chrono::NaiveDate;
use serde::Serialize;

/// One thing that falls due.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Item {
    pub kind: &'static str,
    pub id: String,
    pub title: String,
    /// What falls due, in words.
    pub what: String,
    pub due: NaiveDate,
    /// The group it is listed under (not in the JSON).
    #[serde(skip)]
    pub group: Group,
}

/// The groups of the list, in the order it shows them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Group {
    Overdue,
    Unpublished,
    Scheduled,
    Hazards,
    Clues,
    Penalties,
    Blacklist,
}

impl Group {
    pub fn label(self) -> &'static str {
        match self {
            Group::Overdue => "已经逾期",
            Group::Unpublished => "待公开的决定（法定公示时限）",
            Group::Scheduled => "定时公开",
            Group::Hazards => "重大隐患整改时限",
            Group::Clues => "举报线索反馈期限",
            Group::Penalties => "行政处罚公示期满",
            Group::Blacklist => "黑名单信用修复与公示期满",
        }
    }
}

/// What falls due between `from` and `from + days` (both included), and
/// what is already late on `from`; by group, then date.
pub fn agenda(
    records: &[std::sync::Arc<Record>],
    site: &Site,
    from: NaiveDate,
    days: u32,
) -> Vec<Item> {
    let to = Period::Days(days).after(from);
    let mut out = Vec::new();
    for r in records {
        let m = &r.meta;
        // A withdrawal dated later has no effect yet (the site shows the
        // record until then), so its dates still fall due.
        let withdrawn =
            m.status == Status::Withdrawn && m.withdrawal.as_ref().is_none_or(|w| w.date <= from);
        if withdrawn {
            continue;
        }
        let mut push = |group: Group, what: String, due: NaiveDate| {
            out.push(Item {
                kind: m.kind.dir(),
                id: m.id.clone(),
                title: title_of(r, site),
                what,
                due,
                group,
            })
        };
        let unpublished = m.status == Status::Draft || m.published > from;
        if m.status == Status::Published && m.published > from && m.published <= to {
            push(Group::Scheduled, "定时公开".into(), m.published);
        }
        // A hazard's 整改时限 and a clue's 反馈期限 fall due whether or
        // not the record is public yet.
        deadlines(r, site, (from, to), &mut push);
        if unpublished {
            continue_unpublished(r, site, from, to, &mut push);
            continue;
        }
        publicity(r, site, (from, to), &mut push);
    }
    out.sort_by(|a, b| (a.group, a.due, a.kind, &a.id).cmp(&(b.group, b.due, b.kind, &b.id)));
    out
}

/// The work a record sets a date for, falling due between `from` and `to`
/// or late on `from`: a hazard's rectification and a clue's feedback.
fn deadlines(
    r: &Record,
    site: &Site,
    (from, to): (NaiveDate, NaiveDate),
    push: &mut impl FnMut(Group, String, NaiveDate),
) {
    let within = |d: NaiveDate| from <= d && d <= to;
    match &r.body {
        Body::Hazard(h) => {
            let signed = h.signoff.as_ref().is_some_and(|s| s.date <= from);
            if !signed && h.deadline < from {
                let late = (from - h.deadline).num_days();
                push(
                    Group::Overdue,
                    format!("整改已逾期 {late} 天，尚未销号"),
                    h.deadline,
                );
            } else if !signed && within(h.deadline) {
                push(
                    Group::Hazards,
                    "整改时限到期，须验收销号".into(),
                    h.deadline,
                );
            }
        }
        Body::Clue(c) => {
            let c = &c.public;
            // Feedback dated after `from` has not been given yet.
            let answered = c.answered.filter(|d| *d <= from);
            if let (Some(d), None) = (clue_deadline(c, site), answered) {
                if d < from {
                    let late = (from - d).num_days();
                    push(Group::Overdue, format!("反馈已超期 {late} 天"), d);
                } else if within(d) {
                    push(Group::Clues, "反馈期限，须答复".into(), d);
                }
            }
        }
        _ => {}
    }
}

/// What a published record's publicity has falling due between `from`
/// and `to`: a penalty's period, a blacklist entry's repair and expiry.
fn publicity(
    r: &Record,
    site: &Site,
    (from, to): (NaiveDate, NaiveDate),
    push: &mut impl FnMut(Group, String, NaiveDate),
) {
    let m = &r.meta;
    let within = |d: NaiveDate| from <= d && d <= to;
    match &r.body {
        Body::Action(a) if a.measure == "行政处罚" => {
            let end = action_publicity_end(a, m.published, site);
            if within(end) {
                push(Group::Penalties, "公示期满，停止公开".into(), end);
            }
        }
        Body::Blacklist(b) if removal_date(b, site, from).is_none() => {
            let repair = Period::Years(1).after(b.listed);
            if within(repair) {
                push(
                    Group::Blacklist,
                    "列入满一年，可受理信用修复".into(),
                    repair,
                );
            }
            let expires = b
                .expires
                .unwrap_or_else(|| site.periods.blacklist.after(b.listed));
            if within(expires) {
                push(Group::Blacklist, "公示期满，移出黑名单".into(), expires);
            }
        }
        _ => {}
    }
}

/// A decision not published yet (a draft, or dated later): the day by
/// which the law wants it public.
fn continue_unpublished(
    r: &Record,
    site: &Site,
    from: NaiveDate,
    to: NaiveDate,
    push: &mut impl FnMut(Group, String, NaiveDate),
) {
    let Body::Action(a) = &r.body else {
        return;
    };
    if a.measure != "行政处罚" {
        return;
    }
    let limit = site.add_working_days(a.decided, site.working_days);
    if limit < from {
        push(
            Group::Overdue,
            format!("决定后 {} 个工作日内应公开，已超过", site.working_days),
            limit,
        );
    } else if limit <= to {
        push(
            Group::Unpublished,
            format!("决定后 {} 个工作日内须公开", site.working_days),
            limit,
        );
    }
}

/// The list for a terminal: each group under its heading, one line per
/// item, dated.
pub fn human(items: &[Item], from: NaiveDate, days: u32) -> String {
    let to = Period::Days(days).after(from);
    let mut s = format!("待办事项：{from} 至 {to}（{days} 天）\n");
    if items.is_empty() {
        s.push_str("\n没有到期或逾期的事项。\n");
        return s;
    }
    let mut group = None;
    for it in items {
        if group != Some(it.group) {
            let n = items.iter().filter(|x| x.group == it.group).count();
            s.push_str(&format!("\n{}（{n}）\n", it.group.label()));
            group = Some(it.group);
        }
        s.push_str(&format!(
            "  {}  {}/{}  {}\n              {}\n",
            it.due, it.kind, it.id, it.what, it.title
        ));
    }
    s
}
