//! The record kinds of the content format, as types.
//!
//! Public fields serialize under their Chinese authoring names (the open-data
//! contract). The whistleblower's fields of a clue live in [`CluePrivate`],
//! which implements neither `Serialize` nor `Debug`: no template, export or
//! index can be handed them.

use super::decode::Spans;
pub use super::vocabulary::*;
use crate::diag::Pos;
use chrono::NaiveDate;
use serde::Serialize;

/// An amount in 万元: whole amounts as integers (3, not 3.0).
fn money<S: serde::Serializer>(v: &Option<f64>, s: S) -> Result<S::Ok, S::Error> {
    match v {
        Some(x) if x.fract() == 0.0 && x.abs() < 1e15 => s.serialize_i64(*x as i64),
        Some(x) => s.serialize_f64(*x),
        None => s.serialize_none(),
    }
}

/// The kinds of record, in the order the site presents them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    Cases,
    Actions,
    Hazards,
    Accountability,
    Clues,
    Blacklist,
    Daily,
    Pages,
}

impl Kind {
    pub const ALL: [Kind; 8] = [
        Kind::Cases,
        Kind::Actions,
        Kind::Hazards,
        Kind::Accountability,
        Kind::Clues,
        Kind::Blacklist,
        Kind::Daily,
        Kind::Pages,
    ];
    /// Kinds that have list pages, record pages and open data.
    pub const LISTED: [Kind; 6] = [
        Kind::Cases,
        Kind::Actions,
        Kind::Hazards,
        Kind::Accountability,
        Kind::Clues,
        Kind::Blacklist,
    ];
    pub fn dir(self) -> &'static str {
        match self {
            Kind::Cases => "cases",
            Kind::Actions => "actions",
            Kind::Hazards => "hazards",
            Kind::Accountability => "accountability",
            Kind::Clues => "clues",
            Kind::Blacklist => "blacklist",
            Kind::Daily => "daily",
            Kind::Pages => "pages",
        }
    }
    pub fn label(self) -> &'static str {
        match self {
            Kind::Cases => "典型案例",
            Kind::Actions => "执法措施",
            Kind::Hazards => "重大隐患挂牌督办",
            Kind::Accountability => "追责问责",
            Kind::Clues => "举报线索办理",
            Kind::Blacklist => "黑名单",
            Kind::Daily => "每日检查进度",
            Kind::Pages => "页面",
        }
    }
    pub fn from_dir(s: &str) -> Option<Kind> {
        Kind::ALL.into_iter().find(|k| k.dir() == s)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    Published,
    Draft,
    Withdrawn,
}

#[derive(Debug, Clone, Serialize)]
pub struct Withdrawal {
    #[serde(rename = "日期")]
    pub date: NaiveDate,
    #[serde(rename = "原因")]
    pub reason: String,
}

/// A dated note: corrections (更正) and progress (进展).
#[derive(Debug, Clone, Serialize)]
pub struct Note {
    #[serde(rename = "日期")]
    pub date: NaiveDate,
    #[serde(rename = "说明")]
    pub text: String,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Party {
    #[serde(rename = "名称")]
    pub name: String,
    #[serde(rename = "统一社会信用代码", skip_serializing_if = "Option::is_none")]
    pub code: Option<String>,
    #[serde(rename = "类型")]
    pub kind: String,
}

impl Party {
    pub fn is_person(&self) -> bool {
        self.kind == "自然人"
    }
}

/// A `KIND/ID` reference with the place it was written.
#[derive(Debug, Clone)]
pub struct Ref {
    pub kind: Kind,
    pub id: String,
    pub pos: Pos,
}

/// What every record has.
#[derive(Debug, Clone)]
pub struct Meta {
    pub kind: Kind,
    pub id: String,
    /// Site-relative source path, `/`-separated.
    pub path: String,
    /// Where the record starts (a bulk item starts inside its file).
    pub pos: Pos,
    pub spans: Spans,
    pub published: NaiveDate,
    pub status: Status,
    pub withdrawal: Option<Withdrawal>,
    pub corrections: Vec<Note>,
    pub org: Option<String>,
    pub region: Option<String>,
    pub sector: Option<String>,
    pub equipment: Option<String>,
    /// 隐私例外: reviewed look-alikes of personal numbers (内容, 说明) that
    /// the privacy scanner accepts in this record.
    pub privacy_ok: Vec<(String, String)>,
    /// The numbers of this record that its 隐私例外 accepted when it was
    /// loaded ([`super::scan`]): the output may show these, as this
    /// record's own values.
    pub privacy_used: Vec<String>,
}

impl Meta {
    /// Position of a field, or of the record when the field was not written.
    pub fn pos_of(&self, field: &str) -> Pos {
        self.spans.get(field).copied().unwrap_or(self.pos)
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct CaseResult {
    #[serde(rename = "措施")]
    pub measures: Vec<String>,
    #[serde(
        rename = "罚款金额",
        skip_serializing_if = "Option::is_none",
        serialize_with = "money"
    )]
    pub fine: Option<f64>,
    #[serde(rename = "说明", skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Analysis {
    #[serde(rename = "责任落实", skip_serializing_if = "Option::is_none")]
    pub responsibility: Option<String>,
    #[serde(rename = "体制机制", skip_serializing_if = "Option::is_none")]
    pub institutions: Option<String>,
    #[serde(rename = "主客观因素", skip_serializing_if = "Option::is_none")]
    pub factors: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Case {
    #[serde(rename = "标题")]
    pub title: String,
    #[serde(rename = "关键词")]
    pub keywords: Vec<String>,
    #[serde(rename = "要旨")]
    pub gist: String,
    #[serde(rename = "检查主体")]
    pub inspector: String,
    #[serde(rename = "当事人")]
    pub party: Party,
    #[serde(rename = "基本案情")]
    pub facts: String,
    #[serde(rename = "处理结果")]
    pub result: CaseResult,
    #[serde(rename = "案例剖析")]
    pub analysis: Analysis,
    #[serde(rename = "举一反三工作建议")]
    pub advice: Vec<String>,
    #[serde(skip)]
    pub related: Vec<Ref>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Acceptance {
    #[serde(rename = "验收时间")]
    pub date: NaiveDate,
    #[serde(rename = "验收单位")]
    pub unit: String,
    #[serde(rename = "整改情况")]
    pub outcome: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct Action {
    #[serde(rename = "措施类型")]
    pub measure: String,
    #[serde(rename = "处罚类别", skip_serializing_if = "Vec::is_empty")]
    pub classes: Vec<String>,
    #[serde(rename = "当事人")]
    pub party: Party,
    #[serde(rename = "决定书文号", skip_serializing_if = "Option::is_none")]
    pub doc_no: Option<String>,
    #[serde(rename = "决定日期")]
    pub decided: NaiveDate,
    #[serde(rename = "决定机关")]
    pub authority: String,
    #[serde(rename = "原因")]
    pub reason: String,
    #[serde(rename = "依据", skip_serializing_if = "Option::is_none")]
    pub basis: Option<String>,
    #[serde(rename = "处罚内容", skip_serializing_if = "Option::is_none")]
    pub content: Option<String>,
    #[serde(
        rename = "罚款金额",
        skip_serializing_if = "Option::is_none",
        serialize_with = "money"
    )]
    pub fine: Option<f64>,
    #[serde(rename = "整改验收", skip_serializing_if = "Option::is_none")]
    pub acceptance: Option<Acceptance>,
    /// As written; the effective end is computed by `publish`.
    #[serde(skip)]
    pub publicity_end: Option<NaiveDate>,
}

#[derive(Debug, Clone, Serialize)]
pub struct SignOff {
    #[serde(rename = "日期")]
    pub date: NaiveDate,
    #[serde(rename = "验收单位")]
    pub unit: String,
    #[serde(rename = "说明", skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Hazard {
    #[serde(rename = "检查单位")]
    pub inspector: String,
    #[serde(rename = "被检查对象")]
    pub party: Party,
    #[serde(rename = "重大隐患内容")]
    pub content: String,
    #[serde(rename = "整改措施")]
    pub measures: String,
    #[serde(rename = "整改时限")]
    pub deadline: NaiveDate,
    #[serde(rename = "整改责任单位")]
    pub resp_unit: String,
    #[serde(rename = "整改责任人")]
    pub resp_person: String,
    #[serde(rename = "挂牌督办单位")]
    pub listing_unit: String,
    #[serde(rename = "挂牌责任人")]
    pub listing_person: String,
    #[serde(rename = "挂牌日期")]
    pub listed: NaiveDate,
    #[serde(rename = "销号", skip_serializing_if = "Option::is_none")]
    pub signoff: Option<SignOff>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Accountability {
    #[serde(rename = "姓名")]
    pub name: String,
    #[serde(rename = "单位")]
    pub unit: String,
    #[serde(rename = "职务")]
    pub post: String,
    #[serde(rename = "情形")]
    pub form: String,
    #[serde(rename = "事由")]
    pub cause: String,
    #[serde(rename = "决定日期")]
    pub decided: NaiveDate,
    #[serde(skip)]
    pub related: Vec<Ref>,
}

/// One of the ten handling results, with its text.
#[derive(Debug, Clone, Serialize)]
pub struct ResultItem {
    #[serde(rename = "项目")]
    pub item: String,
    #[serde(rename = "内容")]
    pub text: String,
}

/// 办理结果 as written: a mapping from item to text, in the order of the ten items.
fn results_as_map<S: serde::Serializer>(items: &[ResultItem], s: S) -> Result<S::Ok, S::Error> {
    use serde::ser::SerializeMap;
    let mut m = s.serialize_map(Some(items.len()))?;
    for i in items {
        m.serialize_entry(&i.item, &i.text)?;
    }
    m.end()
}

/// The public part of a clue.
#[derive(Debug, Clone, Serialize)]
pub struct ClueFields {
    #[serde(rename = "举报日期")]
    pub received: NaiveDate,
    #[serde(rename = "举报来源")]
    pub source: String,
    #[serde(rename = "问题摘要")]
    pub summary: String,
    #[serde(rename = "举报类型")]
    pub kind: String,
    #[serde(rename = "涉及单位", skip_serializing_if = "Option::is_none")]
    pub party: Option<Party>,
    #[serde(rename = "属地")]
    pub locality: String,
    #[serde(rename = "交办文书文号", skip_serializing_if = "Option::is_none")]
    pub assign_no: Option<String>,
    #[serde(rename = "交办单位", skip_serializing_if = "Option::is_none")]
    pub assign_unit: Option<String>,
    #[serde(rename = "交办日期", skip_serializing_if = "Option::is_none")]
    pub assigned: Option<NaiveDate>,
    /// Effective deadline (written, or 交办日期 + 7 days).
    #[serde(rename = "反馈期限", skip_serializing_if = "Option::is_none")]
    pub deadline: Option<NaiveDate>,
    #[serde(rename = "实际反馈日期", skip_serializing_if = "Option::is_none")]
    pub answered: Option<NaiveDate>,
    #[serde(rename = "是否属实", skip_serializing_if = "Option::is_none")]
    pub verdict: Option<String>,
    #[serde(
        rename = "办理结果",
        skip_serializing_if = "Vec::is_empty",
        serialize_with = "results_as_map"
    )]
    pub results: Vec<ResultItem>,
    #[serde(rename = "移送", skip_serializing_if = "Vec::is_empty")]
    pub transfers: Vec<String>,
    #[serde(rename = "进展", skip_serializing_if = "Vec::is_empty")]
    pub progress: Vec<Note>,
    #[serde(rename = "答复情况", skip_serializing_if = "Option::is_none")]
    pub reply: Option<String>,
}

/// The whistleblower's identity and the raw report: never published.
/// Deliberately without `Serialize`, `Debug` or `Clone`.
pub struct CluePrivate {
    pub reporter_name: Option<String>,
    pub reporter_phone: Option<String>,
    pub reporter_address: Option<String>,
    pub content: Option<String>,
}

impl CluePrivate {
    /// The literal private values, for the output scanner.
    pub fn values(&self) -> impl Iterator<Item = (&'static str, &str)> {
        [
            ("举报人.姓名", self.reporter_name.as_deref()),
            ("举报人.电话", self.reporter_phone.as_deref()),
            ("举报人.地址", self.reporter_address.as_deref()),
            ("举报内容", self.content.as_deref()),
        ]
        .into_iter()
        .filter_map(|(k, v)| v.map(|v| (k, v)))
    }
}

pub struct Clue {
    pub public: ClueFields,
    pub private: CluePrivate,
}

#[derive(Debug, Clone, Serialize)]
pub struct Removal {
    #[serde(rename = "日期")]
    pub date: NaiveDate,
    #[serde(rename = "原因")]
    pub reason: String,
    #[serde(rename = "说明", skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Blacklist {
    #[serde(rename = "当事人")]
    pub party: Party,
    #[serde(rename = "法定代表人", skip_serializing_if = "Option::is_none")]
    pub representative: Option<String>,
    #[serde(rename = "列入事由")]
    pub cause: String,
    #[serde(rename = "列入依据")]
    pub basis: String,
    #[serde(rename = "列入决定书文号")]
    pub doc_no: String,
    #[serde(rename = "列入机关")]
    pub authority: String,
    #[serde(rename = "列入日期")]
    pub listed: NaiveDate,
    /// As written; the effective end is computed by `publish`.
    #[serde(skip)]
    pub expires: Option<NaiveDate>,
    #[serde(rename = "移出", skip_serializing_if = "Option::is_none")]
    pub removal: Option<Removal>,
}

#[derive(Debug, Clone, Serialize)]
pub struct DailyRegion {
    #[serde(rename = "名称")]
    pub name: String,
    #[serde(rename = "检查组")]
    pub groups: u32,
    #[serde(rename = "检查企业")]
    pub companies: u32,
}

#[derive(Debug, Clone, Serialize)]
pub struct Daily {
    #[serde(rename = "日期")]
    pub date: NaiveDate,
    #[serde(rename = "地区")]
    pub regions: Vec<DailyRegion>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Page {
    #[serde(rename = "标题")]
    pub title: String,
    #[serde(skip)]
    pub body: String,
}

pub enum Body {
    Case(Case),
    Action(Action),
    Hazard(Hazard),
    Accountability(Accountability),
    Clue(Box<Clue>),
    Blacklist(Blacklist),
    Daily(Daily),
    Page(Page),
}

pub struct Record {
    pub meta: Meta,
    pub body: Body,
}
