//! The public view of a site on a build date.
//!
//! Third stage of the pipeline. Everything downstream (pages, search, open
//! data, reports) reads this one immutable value, so they cannot disagree on
//! what is public. Lifecycle (scheduled, draft, withdrawn, expired, removed),
//! derived statuses, masking of natural persons and parties are decided here.
//! The public types hold no private field: a clue enters as its
//! [`ClueFields`] only.

mod badge;
pub mod calendar;
pub mod data;
mod later;
mod lifecycle;
mod mask;
pub mod narrow;
mod open_data;
mod relations;

use crate::content::Content;
use crate::content::model::*;
use crate::content::site::{Period, Site};
pub use badge::Badge;
use chrono::{Days, NaiveDate};
pub use data::Data;
use lifecycle::{Visibility, visibility};
pub use lifecycle::{
    action_publicity_end, clue_deadline, clue_status, hazard_status, removal_date, why_hidden,
};
pub use mask::mask_name;
use open_data::open_data;
pub use relations::party_key;
use relations::{link_relations, party_pages, sort_records, unlink_missing_parties};
use serde::Serialize;
use serde_json::{Map, Value, json};
use sha2::{Digest, Sha256};
use std::borrow::Cow;
use std::sync::Arc;

/// A link to another public record.
#[derive(Debug, Clone, Serialize)]
pub struct Link {
    pub kind: Kind,
    pub kind_label: &'static str,
    pub title: String,
    pub url: String,
    pub date: NaiveDate,
    /// In a preview, a draft's or a scheduled record's mark.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub preview: Option<&'static str>,
}

/// The party as the public sees it (natural persons masked).
#[derive(Debug, Clone, Serialize)]
pub struct PubParty {
    #[serde(rename = "名称")]
    pub name: String,
    #[serde(rename = "统一社会信用代码", skip_serializing_if = "Option::is_none")]
    pub code: Option<String>,
    #[serde(rename = "类型")]
    pub kind: String,
    /// Party page, or `None` for a natural person.
    pub url: Option<String>,
}

/// The typed public content of a record, for reports and statistics:
/// borrowed from the loaded record where nothing in it is masked, a masked
/// copy where something is (a natural person's name, an official's name
/// where the site masks those). Nothing downstream can reach the name as
/// written; a clue enters as its public fields only.
pub enum PubBody<'a> {
    Case(Cow<'a, Case>),
    Action(Cow<'a, Action>),
    Hazard(Cow<'a, Hazard>),
    Accountability(Cow<'a, Accountability>),
    Clue(Cow<'a, ClueFields>),
    Blacklist(Cow<'a, Blacklist>),
    Daily(&'a Daily),
    Page(&'a Page),
}

/// One published record: what depends on the record alone ([`PubCore`],
/// which it derefs to), and its links to the others.
pub struct PubRecord<'a> {
    /// Shared with the view of the same loaded record on the same date
    /// that the preview made before (see [`publish_after`]).
    pub core: Arc<PubCore>,
    pub related: Vec<Link>,
    pub referenced_by: Vec<Link>,
    /// The open-data object: authoring field names, plus id, url and 状态.
    pub data: Arc<Data>,
    pub body: PubBody<'a>,
    /// Where the record and its fields stand in the source.
    pub meta: &'a Meta,
}

/// What a published record shows of itself on the build date.
#[derive(Clone)]
pub struct PubCore {
    pub kind: Kind,
    pub id: String,
    /// Site-relative URL of the record page, e.g. `cases/hc-2022-001.html`.
    pub url: String,
    pub title: String,
    pub published: NaiveDate,
    pub status: Option<Badge>,
    pub party: Option<PubParty>,
    pub org: String,
    pub region: Option<String>,
    pub sector: Option<String>,
    pub equipment: Option<String>,
    pub corrections: Vec<Note>,
    /// The open-data object before 关联 was resolved.
    pub fields: Arc<Data>,
    /// Shown only because of `--drafts`: scheduled or draft.
    pub preview: Option<&'static str>,
    /// Source file, for messages.
    pub source: String,
    /// How many days an overdue hazard is past its 整改时限 on the build date.
    pub late: Option<i64>,
}

impl std::ops::Deref for PubRecord<'_> {
    type Target = PubCore;
    fn deref(&self) -> &PubCore {
        &self.core
    }
}

/// Where a record's metadata is: the same for the same loaded record.
pub fn address(m: &Meta) -> usize {
    m as *const Meta as usize
}

impl PubRecord<'_> {
    /// The address of the loaded record this is made from (see
    /// [`publish_after`]).
    pub fn address(&self) -> usize {
        address(self.meta)
    }

    pub fn link(&self) -> Link {
        Link {
            kind: self.kind,
            kind_label: self.kind.label(),
            title: self.title.clone(),
            url: self.url.clone(),
            date: self.published,
            preview: self.preview,
        }
    }
    /// Decision or publication date used by reports.
    pub fn event_date(&self) -> NaiveDate {
        match &self.body {
            PubBody::Action(a) => a.decided,
            PubBody::Hazard(h) => h.listed,
            PubBody::Accountability(a) => a.decided,
            PubBody::Clue(c) => c.received,
            PubBody::Blacklist(b) => b.listed,
            PubBody::Daily(d) => d.date,
            _ => self.published,
        }
    }
}

/// A withdrawn record: its page shows only this.
#[derive(Debug, Clone, Serialize)]
pub struct Notice {
    pub kind: Kind,
    pub kind_label: &'static str,
    pub id: String,
    pub url: String,
    pub title: String,
    pub published: NaiveDate,
    pub date: NaiveDate,
    pub reason: String,
}

/// A party page.
#[derive(Debug, Clone, Serialize)]
pub struct PartyPage {
    pub key: String,
    pub url: String,
    #[serde(rename = "名称")]
    pub name: String,
    #[serde(rename = "统一社会信用代码", skip_serializing_if = "Option::is_none")]
    pub code: Option<String>,
    #[serde(rename = "类型")]
    pub kind: String,
    /// Other names the same code was published under.
    pub aliases: Vec<String>,
    pub records: Vec<Link>,
    pub blacklisted: bool,
}

pub struct PublicSite<'a> {
    pub date: NaiveDate,
    pub site: &'a Site,
    /// Every listed record: newest first within each kind, kinds in order.
    pub records: Vec<PubRecord<'a>>,
    /// Blacklist entries removed within the removal-notice window.
    pub removed: Vec<PubRecord<'a>>,
    pub notices: Vec<Notice>,
    /// Made on first use ([`PublicSite::parties`]): the preview's update
    /// after a save does not need them.
    parties: std::sync::OnceLock<Vec<PartyPage>>,
    /// Position in [`PublicSite::pages`] of each record by kind and id.
    by_id: crate::base::FastMap<(Kind, &'a str), usize>,
    pub drafts: bool,
    /// Every record that has been public by the build date, listed now or
    /// not (withdrawn, expired, removed): publication date, kind, id and
    /// place. The search index numbers its documents among these, and the
    /// lists their rooms ([`narrow`]), so that a record leaving the site
    /// leaves a gap instead of renumbering the ones after it.
    pub slots: Vec<Slot<'a>>,
    calendar: std::sync::OnceLock<calendar::Calendar>,
    lists: std::sync::OnceLock<narrow::Lists>,
}

impl<'a> PublicSite<'a> {
    /// The records of one kind, newest first (records are sorted by kind).
    pub fn of_kind(&self, kind: Kind) -> impl Iterator<Item = &PubRecord<'a>> {
        let start = self.records.partition_point(|r| r.kind < kind);
        let end = self.records.partition_point(|r| r.kind <= kind);
        self.records[start..end].iter()
    }
    /// The records of each day and week, for the reports (computed once).
    pub fn calendar(&self) -> &calendar::Calendar {
        self.calendar.get_or_init(|| calendar::Calendar::new(self))
    }

    /// A page per party (organisation) with every record about it, by key.
    pub fn parties(&self) -> &[PartyPage] {
        self.parties
            .get_or_init(|| party_pages(&self.records, &self.removed))
    }

    /// The position in [`PublicSite::pages`] of the record of `kind` and
    /// `id`.
    pub fn position(&self, kind: Kind, id: &str) -> Option<usize> {
        self.by_id.get(&(kind, id)).copied()
    }

    /// The `i`-th of [`PublicSite::pages`].
    pub fn page(&self, i: usize) -> Option<&PubRecord<'a>> {
        match i.checked_sub(self.records.len()) {
            None => self.records.get(i),
            Some(j) => self.removed.get(j),
        }
    }

    /// Every record with a page: listed, and removal notices.
    pub fn pages(&self) -> impl Iterator<Item = &PubRecord<'a>> {
        self.records.iter().chain(self.removed.iter())
    }
}

pub fn title_of(r: &Record, site: &Site) -> String {
    let person = |p: &Party| mask::public_name(p, site);
    match &r.body {
        Body::Case(c) => c.title.clone(),
        Body::Action(a) => format!("{}：{}", a.measure, person(&a.party)),
        Body::Hazard(h) => format!("{}重大事故隐患挂牌督办", person(&h.party)),
        Body::Accountability(a) => {
            let name = if site.mask_officials {
                mask_name(&a.name)
            } else {
                a.name.clone()
            };
            format!("{}{}{}（{}）", a.unit, a.post, name, a.form)
        }
        Body::Clue(c) => c.public.summary.clone(),
        Body::Blacklist(b) => person(&b.party),
        Body::Daily(d) => format!("{} 检查进度", d.date),
        Body::Page(p) => p.title.clone(),
    }
}

/// Build the public view of `content` on `date`.
pub fn publish(content: &Content, date: NaiveDate, drafts: bool) -> PublicSite<'_> {
    publish_after(content, date, drafts, None)
}

/// What a record is on the build date, in [`publish_after`].
enum Seen<'a> {
    Hidden,
    Notice(Notice),
    Listed(PubRecord<'a>),
    Removed(PubRecord<'a>),
}

/// [`publish`], taking the open-data objects of the records that
/// `previous` (a view of the same site on the same date) also shows: a
/// record there with the same address is the same record, shared by both
/// loads (see [`crate::content::LoadCache`]), so its object is the same.
/// A public view (without drafts) serves a view with them too: what it
/// shows, the other shows as public as well, made the same way.
pub fn publish_after<'a>(
    content: &'a Content,
    date: NaiveDate,
    drafts: bool,
    previous: Option<&PublicSite>,
) -> PublicSite<'a> {
    let site = &content.site;
    let known: crate::base::FastMap<usize, &Arc<PubCore>> = previous
        .filter(|p| p.date == date && (drafts || !p.drafts))
        .map(|p| p.pages().map(|r| (r.address(), &r.core)).collect())
        .unwrap_or_default();
    // Each record's public form is independent of the others: made in
    // parallel, gathered in order.
    use rayon::prelude::*;
    let seen: Vec<Seen> = content
        .records
        .par_iter()
        .map(|r| match visibility(r, site, date, drafts) {
            Visibility::Hidden => Seen::Hidden,
            Visibility::Withdrawn => {
                let w = r.meta.withdrawal.as_ref();
                Seen::Notice(Notice {
                    kind: r.meta.kind,
                    kind_label: r.meta.kind.label(),
                    id: r.meta.id.clone(),
                    url: url_of(r.meta.kind, &r.meta.id),
                    title: title_of(r, site),
                    published: r.meta.published,
                    date: w.map(|w| w.date).unwrap_or(r.meta.published),
                    reason: w.map(|w| w.reason.clone()).unwrap_or_default(),
                })
            }
            Visibility::Listed(preview) => {
                let known = known.get(&address(&r.meta)).copied();
                Seen::Listed(pub_record(r, site, date, preview, known))
            }
            Visibility::RemovalNotice => {
                let known = known.get(&address(&r.meta)).copied();
                Seen::Removed(pub_record(r, site, date, None, known))
            }
        })
        .collect();
    // Sized up front: a public record is large, and growing the vectors
    // would copy all of them several times over.
    let count = |f: fn(&Seen) -> bool| seen.iter().filter(|s| f(s)).count();
    let mut records = Vec::with_capacity(count(|s| matches!(s, Seen::Listed(_))));
    let mut removed = Vec::with_capacity(count(|s| matches!(s, Seen::Removed(_))));
    let mut notices = Vec::with_capacity(count(|s| matches!(s, Seen::Notice(_))));
    for seen in seen {
        match seen {
            Seen::Hidden => {}
            Seen::Notice(n) => notices.push(n),
            Seen::Listed(r) => records.push(r),
            Seen::Removed(r) => removed.push(r),
        }
    }
    sort_records(&mut records);
    sort_records(&mut removed);
    notices.sort_by(|a, b| (a.kind, &a.id).cmp(&(b.kind, &b.id)));
    let by_id = link_relations(content, &mut records, &mut removed);
    unlink_missing_parties(&records, &mut removed);
    PublicSite {
        date,
        site,
        slots: slots(content, date),
        records,
        removed,
        notices,
        parties: std::sync::OnceLock::new(),
        by_id,
        drafts,
        calendar: std::sync::OnceLock::new(),
        lists: std::sync::OnceLock::new(),
    }
}

/// A record that has been public by the build date, listed now or not
/// ([`PublicSite::slots`]).
#[derive(Clone, Copy, Debug)]
pub struct Slot<'a> {
    pub published: NaiveDate,
    pub kind: Kind,
    pub id: &'a str,
    /// Its place ([`narrow::place`]): the lists narrowed to a place keep
    /// its room on their pages too.
    pub place: Option<&'a str>,
}

/// The records that have been public by `date` ([`PublicSite::slots`]):
/// not drafts, published by then, and searchable kinds.
fn slots(content: &Content, date: NaiveDate) -> Vec<Slot<'_>> {
    content
        .records
        .iter()
        .filter(|r| {
            r.meta.status != Status::Draft && r.meta.published <= date && r.meta.kind != Kind::Daily
        })
        .map(|r| Slot {
            published: r.meta.published,
            kind: r.meta.kind,
            id: r.meta.id.as_str(),
            place: narrow::record_place(r),
        })
        .collect()
}

pub fn url_of(kind: Kind, id: &str) -> String {
    page_url(kind.dir(), id)
}

/// `DIR/NAME.html`, made for every record at every preview update: without
/// the formatting machinery.
fn page_url(dir: &str, name: &str) -> String {
    let mut url = String::with_capacity(dir.len() + name.len() + 6);
    url.push_str(dir);
    url.push('/');
    url.push_str(name);
    url.push_str(".html");
    url
}

/// `PATH:LINE` of a record, as messages name it.
fn source_of(m: &Meta) -> String {
    format!("{}:{}", m.path, m.pos.line.max(1))
}

fn pub_party(p: &Party, site: &Site) -> PubParty {
    PubParty {
        name: mask::public_name(p, site),
        code: p.code.clone(),
        kind: p.kind.clone(),
        url: party_key(p).map(|k| page_url("parties", &k)),
    }
}

fn pub_record<'a>(
    r: &'a Record,
    site: &Site,
    date: NaiveDate,
    preview: Option<&'static str>,
    known: Option<&Arc<PubCore>>,
) -> PubRecord<'a> {
    let m = &r.meta;
    let body = public_body(r, site, date);
    let core = match known {
        Some(core) => Arc::clone(core),
        None => Arc::new(pub_core(r, site, date, preview)),
    };
    PubRecord {
        related: Vec::new(),
        referenced_by: Vec::new(),
        data: Arc::clone(&core.fields),
        core,
        body,
        meta: m,
    }
}

/// The typed public content of `r` on `date`: names masked as the site
/// says, and what is dated after `date` not yet there (a 销号, a 移出, a
/// clue's 实际反馈日期 or 进展: the status on `date` does not count them).
fn public_body<'a>(r: &'a Record, site: &Site, date: NaiveDate) -> PubBody<'a> {
    let masked = |p: &Party| Party {
        name: mask::public_name(p, site),
        ..p.clone()
    };
    let person = r.party().is_some_and(|p| p.is_person()) && site.mask_persons;
    match &r.body {
        Body::Case(c) if person => PubBody::Case(Cow::Owned(Case {
            party: masked(&c.party),
            ..c.clone()
        })),
        Body::Case(c) => PubBody::Case(Cow::Borrowed(c)),
        Body::Action(a) if person => PubBody::Action(Cow::Owned(Action {
            party: masked(&a.party),
            ..a.clone()
        })),
        Body::Action(a) => PubBody::Action(Cow::Borrowed(a)),
        Body::Hazard(h) => {
            let mut h = later::hazard(h, date);
            if person {
                h.to_mut().party = masked(&h.party);
            }
            PubBody::Hazard(h)
        }
        Body::Accountability(a) if site.mask_officials => {
            PubBody::Accountability(Cow::Owned(Accountability {
                name: mask_name(&a.name),
                ..a.clone()
            }))
        }
        Body::Accountability(a) => PubBody::Accountability(Cow::Borrowed(a)),
        Body::Clue(c) => {
            let mut c = later::clue(&c.public, date);
            if person {
                c.to_mut().party = c.party.as_ref().map(masked);
            }
            PubBody::Clue(c)
        }
        Body::Blacklist(b) => {
            let mut b = later::blacklist(b, date);
            if person {
                b.to_mut().party = masked(&b.party);
            }
            PubBody::Blacklist(b)
        }
        Body::Daily(d) => PubBody::Daily(d),
        Body::Page(p) => PubBody::Page(p),
    }
}

fn pub_core(r: &Record, site: &Site, date: NaiveDate, preview: Option<&'static str>) -> PubCore {
    let m = &r.meta;
    let url = url_of(m.kind, &m.id);
    let party = r.party().map(|p| pub_party(p, site));
    let status = match &r.body {
        Body::Hazard(h) => Some(hazard_status(h, date)),
        Body::Clue(c) => Some(clue_status(&c.public, date, site)),
        Body::Blacklist(b) => Some(if removal_date(b, site, date).is_some() {
            Badge::Removed
        } else {
            Badge::Listed
        }),
        _ => None,
    };
    let org = m.org.clone().unwrap_or_else(|| site.info.org.clone());
    // A correction dated after the build date has no effect yet.
    let mut corrections: Vec<Note> = m
        .corrections
        .iter()
        .filter(|c| c.date <= date)
        .cloned()
        .collect();
    corrections.sort_by_key(|c| c.date);
    let fields = Arc::new(open_data(
        r,
        site,
        open_data::Derived {
            date,
            url: &url,
            status: &status,
            party: &party,
            org: &org,
            corrections: &corrections,
        },
    ));
    PubCore {
        kind: m.kind,
        id: m.id.clone(),
        url,
        title: title_of(r, site),
        published: m.published,
        status,
        party,
        org,
        region: m.region.clone(),
        sector: m.sector.clone(),
        equipment: m.equipment.clone(),
        corrections,
        fields,
        preview,
        source: source_of(m),
        late: match (&r.body, status) {
            (Body::Hazard(h), Some(Badge::Overdue)) => Some((date - h.deadline).num_days()),
            _ => None,
        },
    }
}

/// `Period` re-exported for reports.
pub fn after(p: Period, d: NaiveDate) -> NaiveDate {
    p.after(d)
}
