//! What a record tells of events dated after the build date: not public
//! yet. A 销号, a 移出 from the blacklist, a clue's 实际反馈日期 and each
//! entry of its 进展 have their dates; on a build date before them the
//! record reads as it will until then, as its status does (a 撤回 or a
//! 更正 dated later has no effect yet either). Each function gives the
//! record as it is when nothing in it is later (most records), a copy
//! without what is later otherwise.

use super::*;

pub fn hazard(h: &Hazard, date: NaiveDate) -> Cow<'_, Hazard> {
    let mut h = Cow::Borrowed(h);
    if h.signoff.as_ref().is_some_and(|s| s.date > date) {
        h.to_mut().signoff = None;
    }
    h
}

pub fn blacklist(b: &Blacklist, date: NaiveDate) -> Cow<'_, Blacklist> {
    let mut b = Cow::Borrowed(b);
    if b.removal.as_ref().is_some_and(|r| r.date > date) {
        b.to_mut().removal = None;
    }
    b
}

pub fn clue(c: &ClueFields, date: NaiveDate) -> Cow<'_, ClueFields> {
    let mut c = Cow::Borrowed(c);
    if c.answered.is_some_and(|a| a > date) {
        c.to_mut().answered = None;
    }
    if c.progress.iter().any(|n| n.date > date) {
        c.to_mut().progress.retain(|n| n.date <= date);
    }
    c
}
