//! What is public on the build date: scheduled, draft, withdrawn, expired
//! and removed records, and the statuses derived on that date.

use super::*;

pub(super) enum Visibility {
    Hidden,
    Withdrawn,
    Listed(Option<&'static str>),
    RemovalNotice,
}

/// When a blacklist entry left the list, if it has by `date`: the day of
/// its 移出, or the day after its 公示期满 (the last day it was listed).
pub fn removal_date<'b>(
    b: &'b Blacklist,
    site: &Site,
    date: NaiveDate,
) -> Option<(NaiveDate, &'b str)> {
    let expires = b
        .expires
        .unwrap_or_else(|| site.periods.blacklist.after(b.listed));
    match &b.removal {
        Some(r) if r.date <= date && r.date <= expires => Some((r.date, r.reason.as_str())),
        _ if expires < date => Some((expires.succ_opt().unwrap_or(expires), "期满")),
        Some(r) if r.date <= date => Some((r.date, r.reason.as_str())),
        _ => None,
    }
}

/// The last day an action is public: its own 公示截止日期, or the period
/// of its kind counted from the day it was published (市场监督管理行政处罚
/// 信息公示规定: "自公示之日起"), or from its decision where site.yaml says
/// `公示期起算: 决定日期`.
pub fn action_publicity_end(a: &Action, published: NaiveDate, site: &Site) -> NaiveDate {
    if let Some(end) = a.publicity_end {
        return end;
    }
    let light = a.measure == "行政处罚"
        && !a.classes.is_empty()
        && a.classes.iter().all(|c| c == "通报批评" || c == "罚款")
        && a.fine.unwrap_or(0.0) <= site.light_fine;
    let period = if light {
        site.periods.light
    } else {
        site.periods.actions
    };
    let from = if site.period_from_decision {
        a.decided
    } else {
        published
    };
    period.after(from)
}

pub fn hazard_status(h: &Hazard, date: NaiveDate) -> Badge {
    match &h.signoff {
        Some(s) if s.date <= date => Badge::SignedOff,
        _ if h.deadline < date => Badge::Overdue,
        _ => Badge::Supervised,
    }
}

/// The feedback deadline: written, or 交办日期 + 7 days; a default that
/// falls on a rest day moves to the next working day (民法典 Art. 203).
pub fn clue_deadline(c: &ClueFields, site: &Site) -> Option<NaiveDate> {
    c.deadline.or_else(|| {
        c.assigned
            .and_then(|d| d.checked_add_days(Days::new(7)))
            .map(|d| site.on_or_after_working_day(d))
    })
}

pub fn clue_status(c: &ClueFields, date: NaiveDate, site: &Site) -> Badge {
    match (c.assigned, c.answered) {
        (None, _) => Badge::Received,
        (Some(_), Some(a)) if a <= date => Badge::Answered,
        (Some(_), _) => match clue_deadline(c, site) {
            Some(d) if d < date => Badge::FeedbackOverdue,
            _ => Badge::InHand,
        },
    }
}

pub(super) fn visibility(r: &Record, site: &Site, date: NaiveDate, drafts: bool) -> Visibility {
    let m = &r.meta;
    let scheduled = m.published > date;
    match m.status {
        Status::Draft if drafts => return Visibility::Listed(Some("草稿")),
        Status::Draft => return Visibility::Hidden,
        // A withdrawal dated after the build date has no effect yet.
        Status::Withdrawn if m.withdrawal.as_ref().is_some_and(|w| w.date > date) => {}
        Status::Withdrawn if scheduled && !drafts => return Visibility::Hidden,
        Status::Withdrawn => return Visibility::Withdrawn,
        Status::Published => {}
    }
    if scheduled {
        return if drafts {
            Visibility::Listed(Some("定时发布"))
        } else {
            Visibility::Hidden
        };
    }
    match &r.body {
        Body::Action(a) if action_publicity_end(a, m.published, site) < date => Visibility::Hidden,
        Body::Blacklist(b) => match removal_date(b, site, date) {
            None => Visibility::Listed(None),
            Some((d, _)) if site.periods.removal_notice.after(d) >= date => {
                Visibility::RemovalNotice
            }
            Some(_) => Visibility::Hidden,
        },
        _ => Visibility::Listed(None),
    }
}

/// Why a loaded record has no page on `date` (with or without drafts and
/// scheduled records), in words for staff; `None` if it has one.
pub fn why_hidden(r: &Record, site: &Site, date: NaiveDate, drafts: bool) -> Option<String> {
    if !matches!(visibility(r, site, date, drafts), Visibility::Hidden) {
        return None;
    }
    let m = &r.meta;
    Some(match (&m.status, &r.body) {
        (Status::Draft, _) => {
            "这是一条草稿（状态: 草稿）：只在不加 --public 的预览中显示".to_string()
        }
        _ if m.published > date => format!(
            "发布日期为 {}，晚于 {date}：到那一天才公开（定时发布）",
            m.published
        ),
        (_, Body::Action(a)) => format!(
            "公示期已于 {} 届满，停止公开",
            action_publicity_end(a, m.published, site)
        ),
        (_, Body::Blacklist(_)) => "已移出黑名单，移出公告的公示期也已届满".to_string(),
        _ => format!("在 {date} 不公开"),
    })
}
