//! What every record is: its kind, its common fields ([`Meta`]) and its
//! body. Each kind's own fields are declared in [`super::tables`].

use super::decode::Spans;
pub use super::tables::*;
use crate::diag::Pos;
use chrono::NaiveDate;
use serde::Serialize;

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

#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Party {
    #[serde(rename = "名称")]
    pub name: String,
    #[serde(rename = "统一社会信用代码", skip_serializing_if = "Option::is_none")]
    pub code: Option<String>,
    #[serde(rename = "类型")]
    pub kind: String,
}

impl super::table::Absent for Party {}

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
    /// The fields that were missing or wrong (and reported): they hold
    /// default values, and the rules that read them are left out. A
    /// record with any is never published (its file has errors).
    pub incomplete: Vec<&'static str>,
}

impl Meta {
    /// Position of a field, or of the record when the field was not written.
    pub fn pos_of(&self, field: &str) -> Pos {
        self.spans.get(field).copied().unwrap_or(self.pos)
    }
}

/// One of the ten handling results, with its text.
#[derive(Debug, Clone, Serialize)]
pub struct ResultItem {
    #[serde(rename = "项目")]
    pub item: String,
    #[serde(rename = "内容")]
    pub text: String,
}

pub struct Clue {
    pub public: ClueFields,
    pub private: CluePrivate,
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
