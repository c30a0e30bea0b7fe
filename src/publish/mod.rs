//! The public view of a site on a build date.
//!
//! Third stage of the pipeline. Everything downstream (pages, search, open
//! data, reports) reads this one immutable value, so they cannot disagree on
//! what is public. Lifecycle (scheduled, draft, withdrawn, expired, removed),
//! derived statuses, masking of natural persons and parties are decided here.
//! The public types hold no private field: a clue enters as its
//! [`ClueFields`] only.

pub mod calendar;
pub mod data;
mod mask;

use crate::content::Content;
use crate::content::model::*;
use crate::content::site::{Period, Site};
use chrono::{Days, NaiveDate};
pub use data::Data;
pub use mask::mask_name;
use serde::Serialize;
use serde_json::{Map, Value, json};
use sha2::{Digest, Sha256};
use std::borrow::Cow;
use std::sync::Arc;

/// A status derived on the build date. Code compares the variants; the
/// label (shown, and written to the open data as 状态) and the look are
/// said here only.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Badge {
    /// A hazard signed off (销号) on or before the build date.
    SignedOff,
    /// A hazard not signed off and past its 整改时限.
    Overdue,
    /// A hazard under listed supervision.
    Supervised,
    /// A clue assigned, not answered, past its 反馈期限.
    FeedbackOverdue,
    Answered,
    InHand,
    /// A clue not assigned yet.
    Received,
    /// A blacklist entry on the list.
    Listed,
    /// A blacklist entry removed (or expired).
    Removed,
}

impl Badge {
    pub fn label(self) -> &'static str {
        match self {
            Badge::SignedOff => "已销号",
            Badge::Overdue => "已逾期",
            Badge::Supervised => "督办中",
            Badge::FeedbackOverdue => "超期未反馈",
            Badge::Answered => "已反馈",
            Badge::InHand => "办理中",
            Badge::Received => "待交办",
            Badge::Listed => "在列",
            Badge::Removed => "已移出",
        }
    }

    /// How it looks: ok | warn | danger | muted.
    pub fn class(self) -> &'static str {
        match self {
            Badge::SignedOff | Badge::Answered => "ok",
            Badge::Supervised | Badge::InHand => "warn",
            Badge::Overdue | Badge::FeedbackOverdue | Badge::Listed => "danger",
            Badge::Received | Badge::Removed => "muted",
        }
    }
}

/// Templates and the page cache see `{label, class}`.
impl Serialize for Badge {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        let mut st = s.serialize_struct("Badge", 2)?;
        st.serialize_field("label", self.label())?;
        st.serialize_field("class", self.class())?;
        st.end()
    }
}

/// A link to another public record.
#[derive(Debug, Clone, Serialize)]
pub struct Link {
    pub kind: Kind,
    pub kind_label: &'static str,
    pub title: String,
    pub url: String,
    pub date: NaiveDate,
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
    calendar: std::sync::OnceLock<calendar::Calendar>,
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
        self.parties.get_or_init(|| party_pages(&self.records))
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

enum Visibility {
    Hidden,
    Withdrawn,
    Listed(Option<&'static str>),
    RemovalNotice,
}

/// When a blacklist entry left the list, if it has by `date`.
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
        _ if expires < date => Some((expires, "期满")),
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

fn visibility(r: &Record, site: &Site, date: NaiveDate, drafts: bool) -> Visibility {
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

/// The stable key of a party page: its credit code, or a slug of its name.
pub fn party_key(p: &Party) -> Option<String> {
    if p.is_person() {
        return None;
    }
    Some(match &p.code {
        Some(c) => c.clone(),
        None => {
            const HEX: &[u8; 16] = b"0123456789abcdef";
            let h = Sha256::digest(p.name.as_bytes());
            let mut key = String::with_capacity(14);
            key.push_str("n-");
            for b in &h[..6] {
                key.push(char::from(HEX[usize::from(b >> 4)]));
                key.push(char::from(HEX[usize::from(b & 15)]));
            }
            key
        }
    })
}

/// Build the public view of `content` on `date`.
pub fn publish(content: &Content, date: NaiveDate, drafts: bool) -> PublicSite<'_> {
    publish_after(content, date, drafts, None)
}

/// [`publish`], taking the open-data objects of the records that
/// `previous` (a view of the same site on the same date) also shows: a
/// record there with the same address is the same record, shared by both
/// loads (see [`crate::content::LoadCache`]), so its object is the same.
pub fn publish_after<'a>(
    content: &'a Content,
    date: NaiveDate,
    drafts: bool,
    previous: Option<&PublicSite>,
) -> PublicSite<'a> {
    let site = &content.site;
    let known: crate::base::FastMap<usize, &Arc<PubCore>> = previous
        .filter(|p| p.date == date && p.drafts == drafts)
        .map(|p| p.pages().map(|r| (r.address(), &r.core)).collect())
        .unwrap_or_default();
    enum Seen<'a> {
        Hidden,
        Notice(Notice),
        Listed(PubRecord<'a>),
        Removed(PubRecord<'a>),
    }
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
        records,
        removed,
        notices,
        parties: std::sync::OnceLock::new(),
        by_id,
        drafts,
        calendar: std::sync::OnceLock::new(),
    }
}

/// A removal notice links to its party's page only while that page
/// exists: party pages gather the listed records, and a party whose only
/// record is a removed entry has none.
fn unlink_missing_parties(records: &[PubRecord], removed: &mut [PubRecord]) {
    let pages: std::collections::HashSet<&str> = records
        .iter()
        .filter_map(|r| r.party.as_ref()?.url.as_deref())
        .collect();
    for r in removed.iter_mut() {
        let orphan = r
            .party
            .as_ref()
            .and_then(|p| p.url.as_deref())
            .is_some_and(|u| !pages.contains(u));
        if orphan && let Some(p) = &mut Arc::make_mut(&mut r.core).party {
            p.url = None;
        }
    }
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
    let body = public_body(r, site);
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

/// The typed public content of `r`: names masked as the site says.
fn public_body<'a>(r: &'a Record, site: &Site) -> PubBody<'a> {
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
        Body::Hazard(h) if person => PubBody::Hazard(Cow::Owned(Hazard {
            party: masked(&h.party),
            ..h.clone()
        })),
        Body::Hazard(h) => PubBody::Hazard(Cow::Borrowed(h)),
        Body::Accountability(a) if site.mask_officials => {
            PubBody::Accountability(Cow::Owned(Accountability {
                name: mask_name(&a.name),
                ..a.clone()
            }))
        }
        Body::Accountability(a) => PubBody::Accountability(Cow::Borrowed(a)),
        Body::Clue(c) if person => PubBody::Clue(Cow::Owned(ClueFields {
            party: c.public.party.as_ref().map(masked),
            ..c.public.clone()
        })),
        Body::Clue(c) => PubBody::Clue(Cow::Borrowed(&c.public)),
        Body::Blacklist(b) if person => PubBody::Blacklist(Cow::Owned(Blacklist {
            party: masked(&b.party),
            ..b.clone()
        })),
        Body::Blacklist(b) => PubBody::Blacklist(Cow::Borrowed(b)),
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
        &url,
        &status,
        &party,
        &org,
        &corrections,
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
    }
}

/// The open-data object of a record before its relations are resolved.
fn open_data(
    r: &Record,
    site: &Site,
    url: &str,
    status: &Option<Badge>,
    party: &Option<PubParty>,
    org: &str,
    corrections: &[Note],
) -> Data {
    let m = &r.meta;
    let fields = match &r.body {
        Body::Case(c) => to_map(c),
        Body::Action(a) => {
            let mut f = to_map(a);
            f.insert(
                "公示截止日期".into(),
                json!(action_publicity_end(a, m.published, site)),
            );
            f
        }
        Body::Hazard(h) => to_map(h),
        Body::Accountability(a) => {
            let mut f = to_map(a);
            if site.mask_officials {
                f.insert("姓名".into(), json!(mask_name(&a.name)));
            }
            f
        }
        Body::Clue(c) => {
            let mut f = to_map(&c.public);
            if let Some(d) = clue_deadline(&c.public, site)
                && c.public.deadline.is_none()
            {
                // keep the form's column order: after 交办日期
                let mut g = Map::new();
                for (k, v) in f {
                    let after = k == "交办日期";
                    g.insert(k, v);
                    if after {
                        g.insert("反馈期限".into(), json!(d));
                    }
                }
                f = g;
            }
            f
        }
        Body::Blacklist(b) => {
            let mut f = to_map(b);
            let expires = b
                .expires
                .unwrap_or_else(|| site.periods.blacklist.after(b.listed));
            f.insert("公示期满".into(), json!(expires));
            f
        }
        Body::Daily(d) => to_map(d),
        Body::Page(p) => to_map(p),
    };
    let mut data = Map::new();
    data.insert("id".into(), json!(m.id));
    data.insert("url".into(), json!(url));
    if let Some(s) = status {
        data.insert("状态".into(), json!(s.label()));
    }
    for (k, v) in fields {
        data.insert(k, v);
    }
    if let Some(p) = party {
        let key = match r.body {
            Body::Hazard(_) => "被检查对象",
            Body::Clue(_) => "涉及单位",
            _ => "当事人",
        };
        let mut pv = Map::new();
        pv.insert("名称".into(), json!(p.name));
        if let Some(c) = &p.code {
            pv.insert("统一社会信用代码".into(), json!(c));
        }
        pv.insert("类型".into(), json!(p.kind));
        data.insert(key.into(), Value::Object(pv));
    }
    data.insert("发布日期".into(), json!(m.published));
    data.insert("发布机构".into(), json!(org));
    for (k, v) in [
        ("地区", &m.region),
        ("行业领域", &m.sector),
        ("设备类别", &m.equipment),
    ] {
        if let Some(v) = v {
            data.insert(k.into(), json!(v));
        }
    }
    if !corrections.is_empty() {
        data.insert(
            "更正".into(),
            serde_json::to_value(corrections).unwrap_or(Value::Null),
        );
    }
    Data::from(Value::Object(data))
}

fn to_map<T: Serialize>(v: &T) -> Map<String, Value> {
    match serde_json::to_value(v) {
        Ok(Value::Object(m)) => m,
        _ => Map::new(),
    }
}

/// Resolve 关联 to public records (a link to something not public is
/// dropped), and the reverse links; returns the position of each record
/// in `records` then `removed` by kind and id.
fn link_relations<'a>(
    content: &Content,
    records: &mut [PubRecord<'a>],
    removed: &mut [PubRecord<'a>],
) -> crate::base::FastMap<(Kind, &'a str), usize> {
    // Positions in `records` then `removed`; the links are made while the
    // records are read, then set.
    let (index, mut forward, mut back) = {
        let all: Vec<&PubRecord<'a>> = records.iter().chain(removed.iter()).collect();
        let index: crate::base::FastMap<(Kind, &'a str), usize> = all
            .iter()
            .enumerate()
            .map(|(i, r)| ((r.kind, r.meta.id.as_str()), i))
            .collect();
        let mut forward: Vec<Vec<Link>> = Vec::new();
        forward.resize_with(all.len(), Vec::new);
        let mut reverse: Vec<Vec<(Kind, &str, usize)>> = Vec::new();
        reverse.resize_with(all.len(), Vec::new);
        for r in content.records.iter().filter(|r| !r.related().is_empty()) {
            let Some(&from) = index.get(&(r.meta.kind, r.meta.id.as_str())) else {
                continue;
            };
            for rf in r.related() {
                if let Some(&to) = index.get(&(rf.kind, rf.id.as_str())) {
                    forward[from].push(all[to].link());
                    reverse[to].push((all[from].kind, all[from].id.as_str(), from));
                }
            }
        }
        let back: Vec<Vec<Link>> = reverse
            .into_iter()
            .map(|mut from| {
                from.sort_unstable();
                from.dedup();
                from.into_iter().map(|(_, _, i)| all[i].link()).collect()
            })
            .collect();
        (index, forward, back)
    };
    for (i, r) in records.iter_mut().chain(removed.iter_mut()).enumerate() {
        let f = std::mem::take(&mut forward[i]);
        if !f.is_empty() {
            let rel = f
                .iter()
                .map(|l| Data::Str(l.url.trim_end_matches(".html").into()))
                .collect();
            Arc::make_mut(&mut r.data).insert("关联", Data::List(rel));
            r.related = f;
        }
        let b = std::mem::take(&mut back[i]);
        if !b.is_empty() {
            r.referenced_by = b;
        }
    }
    index
}

fn party_pages(records: &[PubRecord]) -> Vec<PartyPage> {
    // Made at every preview update: the pages are found by a borrowed key
    // and sorted once at the end, not kept in a map of owned keys.
    let mut at: crate::base::FastMap<&str, usize> = Default::default();
    let mut pages: Vec<PartyPage> = Vec::new();
    // records are newest first: the first name seen is the current one
    for r in records {
        let Some(p) = &r.party else { continue };
        let Some(url) = &p.url else { continue };
        let key = url
            .strip_prefix("parties/")
            .and_then(|k| k.strip_suffix(".html"))
            .unwrap_or(url);
        let i = *at.entry(key).or_insert_with(|| {
            pages.push(PartyPage {
                key: key.to_string(),
                url: url.clone(),
                name: p.name.clone(),
                code: p.code.clone(),
                kind: p.kind.clone(),
                aliases: Vec::new(),
                records: Vec::new(),
                blacklisted: false,
            });
            pages.len() - 1
        });
        let page = &mut pages[i];
        if p.name != page.name && !page.aliases.contains(&p.name) {
            page.aliases.push(p.name.clone());
        }
        if r.kind == Kind::Blacklist && r.status == Some(Badge::Listed) {
            page.blacklisted = true;
        }
        page.records.push(r.link());
    }
    // The keys are distinct.
    pages.sort_unstable_by(|a, b| a.key.cmp(&b.key));
    for p in &mut pages {
        p.aliases.sort();
        p.records.sort_by(|a, b| {
            (std::cmp::Reverse(a.date), a.kind, &a.url).cmp(&(
                std::cmp::Reverse(b.date),
                b.kind,
                &b.url,
            ))
        });
    }
    pages
}

/// Sort public records by kind, newest first, then id; equal keys keep
/// their order. The keys are gathered once: comparing the records
/// themselves reads each one's shared core, scattered over the heap, at
/// every comparison (at 20,000 records, a tenth of a preview update).
fn sort_records(v: &mut Vec<PubRecord>) {
    let order: Vec<usize> = {
        let mut keys: Vec<(Kind, std::cmp::Reverse<NaiveDate>, &str, usize)> = v
            .iter()
            .enumerate()
            .map(|(i, r)| (r.kind, std::cmp::Reverse(r.published), r.id.as_str(), i))
            .collect();
        // The positions make the keys distinct.
        keys.sort_unstable();
        keys.into_iter().map(|k| k.3).collect()
    };
    let mut slots: Vec<Option<PubRecord>> = std::mem::take(v).into_iter().map(Some).collect();
    *v = order.into_iter().filter_map(|i| slots[i].take()).collect();
}

/// `Period` re-exported for reports.
pub fn after(p: Period, d: NaiveDate) -> NaiveDate {
    p.after(d)
}
