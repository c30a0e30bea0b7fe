//! What a record tells of events dated after the build date: not public
//! yet. A 销号, a 移出 from the blacklist, a clue's 实际反馈日期 and each
//! entry of its 进展 have their dates; on a build date before them the
//! record reads as it will until then, as its status does (a 撤回 or a
//! 更正 dated later has no effect yet either).

use super::*;

pub fn hazard(h: &Hazard, date: NaiveDate) -> bool {
    h.signoff.as_ref().is_some_and(|s| s.date > date)
}

pub fn hazard_on(h: &Hazard, date: NaiveDate) -> Hazard {
    let mut h = h.clone();
    if hazard(&h, date) {
        h.signoff = None;
    }
    h
}

pub fn blacklist(b: &Blacklist, date: NaiveDate) -> bool {
    b.removal.as_ref().is_some_and(|r| r.date > date)
}

pub fn blacklist_on(b: &Blacklist, date: NaiveDate) -> Blacklist {
    let mut b = b.clone();
    if blacklist(&b, date) {
        b.removal = None;
    }
    b
}

pub fn clue(c: &ClueFields, date: NaiveDate) -> bool {
    c.answered.is_some_and(|a| a > date) || c.progress.iter().any(|n| n.date > date)
}

pub fn clue_on(c: &ClueFields, date: NaiveDate) -> ClueFields {
    let mut c = c.clone();
    if c.answered.is_some_and(|a| a > date) {
        c.answered = None;
    }
    c.progress.retain(|n| n.date <= date);
    c
}
