//! The table of each record kind, in the order of the paper forms of seed
//! 003 (附件4 清单, 附件7 线索清单) and of 典型案例: the one place where
//! a field's key, whether it is required, its type and its help text are
//! written. See [`super::table`] for what each table gives.
//!
//! Public tables serialize under their Chinese keys (the open-data
//! contract). The whistleblower's fields of a clue are a `private` table,
//! [`CluePrivate`], which implements neither `Serialize` nor `Debug`: no
//! template, export or index can be handed them.

use super::model::{Party, Ref, ResultItem};
use super::table::{Field, Ty, f, table};
pub use super::vocabulary::*;
use chrono::NaiveDate;

/// An amount in 万元: whole amounts as integers (3, not 3.0).
fn money<S: serde::Serializer>(v: &Option<f64>, s: S) -> Result<S::Ok, S::Error> {
    match v {
        Some(x) if x.fract() == 0.0 && x.abs() < 1e15 => s.serialize_i64(*x as i64),
        Some(x) => s.serialize_f64(*x),
        None => s.serialize_none(),
    }
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

pub(crate) const PARTY_HELP: &str = "{名称, 统一社会信用代码（18 位，须通过校验）, 类型: 企业 | 个体工商户 | 机关事业单位 | 自然人}";

table! {
    pub struct Withdrawal {
        date: NaiveDate = "日期", required, Ty::Date, "撤回日期";
        reason: String = "原因", required, Ty::Text, "撤回原因，将在原网址公告";
    }
}

table! {
    /// A dated note: corrections (更正) and progress (进展).
    pub struct Note {
        date: NaiveDate = "日期", required, Ty::Date, "YYYY-MM-DD";
        text: String = "说明", required, Ty::Text, "说明";
    }
}

table! {
    /// 隐私例外: a reviewed look-alike of a personal number.
    pub struct PrivacyException {
        value: String = "内容", required, Ty::Text, "经人工审核、并非个人信息的号码，原样填写";
        why: String = "说明", required, Ty::Text, "审核说明：是什么号码、谁审核的";
    }
}

table! {
    pub struct CaseResult {
        measures: Vec<String> = "措施", required, Ty::Choices(CASE_MEASURES),
            "采取的措施，如 责令停产整顿、行政处罚、挂牌督办";
        #[serde(serialize_with = "money")]
        fine: Option<f64> = "罚款金额", optional, Ty::Money, "万元";
        note: Option<String> = "说明", optional, Ty::Markdown, "处理结果说明";
    }
}

table! {
    pub struct Analysis {
        responsibility: Option<String> = "责任落实", optional, Ty::Markdown,
            "从落实党政领导责任、部门监管责任、企业主体责任方面";
        institutions: Option<String> = "体制机制", optional, Ty::Markdown,
            "从体制机制法制建立完善方面";
        factors: Option<String> = "主客观因素", optional, Ty::Markdown, "从存在的主、客观因素方面";
    }
}

table! {
    /// 典型案例.
    pub struct Case {
        title: String = "标题", required, Ty::Text,
            "格式为「检查主体+违法主体+案」，以「案」结尾，例如：县消防救援大队对某企业消防检查案";
        keywords: Vec<String> = "关键词", required, Ty::Texts,
            "以 3 到 5 个互不相同的关键词对案例内容进行归纳";
        gist: String = "要旨", required, Ty::Text,
            "根据法律法规、标准规范和相关规定要求，应当符合的情形";
        inspector: String = "检查主体", required, Ty::Text, "实施检查的机关";
        party: Party = "当事人", required, Ty::Party, PARTY_HELP;
        facts: String = "基本案情", required, Ty::Markdown,
            "详细介绍案件事实，以及构成重大问题或重大隐患的判定依据（可用 Markdown）";
        result: CaseResult = "处理结果", required, Ty::Object(CaseResult::FIELDS),
            "{措施, 罚款金额, 说明}";
        analysis: Analysis = "案例剖析", required, Ty::Object(Analysis::FIELDS),
            "三个角度至少写一个";
        advice: Vec<String> = "举一反三工作建议", required, Ty::Texts, "至少一条工作建议";
        #[serde(skip)]
        related: Vec<Ref> = "关联", optional, Ty::Refs,
            "相关记录，KIND/ID，例如 actions/ha-2026-001";
    }
}

table! {
    pub struct Acceptance {
        date: NaiveDate = "验收时间", required, Ty::Date, "不早于决定日期";
        unit: String = "验收单位", required, Ty::Text, "验收单位";
        outcome: String = "整改情况", required, Ty::Text, "整改情况";
    }
}

table! {
    /// 执法措施 (行政处罚 among them).
    pub struct Action {
        measure: String = "措施类型", required, Ty::Choice(ACTION_TYPES),
            "责令限期整改 | 行政处罚 | 停产整顿 | 暂扣吊销证照 | 关闭取缔";
        classes: Vec<String> = "处罚类别", optional, Ty::Choices(PENALTY_CLASSES),
            "行政处罚必填：行政处罚法第九条的类别，写成列表，如 [罚款, 警告]";
        party: Party = "当事人", required, Ty::Party, PARTY_HELP;
        doc_no: Option<String> = "决定书文号", optional, Ty::Text,
            "行政处罚必填，例如 海市监罚〔2022〕12号";
        decided: NaiveDate = "决定日期", required, Ty::Date,
            "不晚于发布日期；行政处罚应在 site.yaml 公示时限（未设置时 7 个工作日）内公开";
        authority: String = "决定机关", required, Ty::Text, "作出决定的机关";
        reason: String = "原因", required, Ty::Markdown, "违法事实 / 整改原因";
        basis: Option<String> = "依据", optional, Ty::Markdown, "法律依据";
        content: Option<String> = "处罚内容", optional, Ty::Markdown, "处罚内容";
        #[serde(serialize_with = "money")]
        fine: Option<f64> = "罚款金额", optional, Ty::Money, "万元";
        acceptance: Option<Acceptance> = "整改验收", optional, Ty::Object(Acceptance::FIELDS),
            "{验收时间, 验收单位, 整改情况}";
        /// As written; the effective end is computed by `publish`.
        #[serde(skip)]
        publicity_end: Option<NaiveDate> = "公示截止日期", optional, Ty::Date,
            "默认：发布日期 + site.yaml 公示期（未设置时轻微处罚 3 个月，其他 3 年；公示期起算: 决定日期 时从决定日期起算）";
    }
}

table! {
    pub struct SignOff {
        date: NaiveDate = "日期", required, Ty::Date, "销号日期";
        unit: String = "验收单位", required, Ty::Text, "验收单位";
        note: Option<String> = "说明", optional, Ty::Markdown, "说明";
    }
}

table! {
    /// 重大隐患挂牌督办.
    pub struct Hazard {
        inspector: String = "检查单位", required, Ty::Text, "检查单位";
        party: Party = "被检查对象", required, Ty::Party, PARTY_HELP;
        content: String = "重大隐患内容", required, Ty::Markdown, "重大事故隐患内容";
        measures: String = "整改措施", required, Ty::Markdown, "整改措施";
        deadline: NaiveDate = "整改时限", required, Ty::Date,
            "不早于挂牌日期；逾期未销号将醒目显示";
        resp_unit: String = "整改责任单位", required, Ty::Text, "整改责任单位";
        resp_person: String = "整改责任人", required, Ty::Text, "整改责任人";
        listing_unit: String = "挂牌督办单位", required, Ty::Text, "政府或部门";
        listing_person: String = "挂牌责任人", required, Ty::Text, "挂牌责任人";
        listed: NaiveDate = "挂牌日期", required, Ty::Date, "挂牌日期";
        signoff: Option<SignOff> = "销号", optional, Ty::Object(SignOff::FIELDS),
            "整改完毕销号后填写 {日期, 验收单位, 说明}";
    }
}

table! {
    /// 追责问责.
    pub struct Accountability {
        name: String = "姓名", required, Ty::Text,
            "被问责人员姓名（按 site.yaml 隐私设置公开或脱敏）";
        unit: String = "单位", required, Ty::Text, "单位";
        post: String = "职务", required, Ty::Text, "职务";
        form: String = "情形", required, Ty::Choice(ACCOUNTABILITY_FORMS),
            "党纪处分 | 政务处分 | 组织处理 | 诫勉谈话 | 移送司法机关 | 追究刑事责任";
        cause: String = "事由", required, Ty::Markdown, "问责事由";
        decided: NaiveDate = "决定日期", required, Ty::Date, "决定日期";
        #[serde(skip)]
        related: Vec<Ref> = "关联", optional, Ty::Refs, "相关记录，KIND/ID";
    }
}

table! {
    /// The public part of a clue (附件7 线索清单).
    pub struct ClueFields {
        received: NaiveDate = "举报日期", required, Ty::Date, "举报日期";
        source: String = "举报来源", required, Ty::Choice(CLUE_SOURCES),
            "电话 | 信箱 | 来信 | 来访 | 网络 | 督查发现 | 其他";
        summary: String = "问题摘要", required, Ty::Text, "公开的问题清单条目";
        kind: String = "举报类型", required, Ty::Choice(CLUE_TYPES),
            "非法违法生产经营建设 | 重大事故隐患 | 瞒报事故 | 其他";
        party: Option<Party> = "涉及单位", optional, Ty::Party, PARTY_HELP;
        locality: String = "属地", required, Ty::Text, "属地政府";
        assign_no: Option<String> = "交办文书文号", optional, Ty::Text,
            "交办后与交办单位、交办日期一并填写";
        assign_unit: Option<String> = "交办单位", optional, Ty::Text, "部门或政府";
        assigned: Option<NaiveDate> = "交办日期", optional, Ty::Date, "交办日期";
        /// As written (`publish` gives the effective deadline).
        deadline: Option<NaiveDate> = "反馈期限", optional, Ty::Date, "默认交办日期 + 7 日；该日不是工作日（周末或 site.yaml 节假日，调休上班日除外）的，顺延至其后第一个工作日";
        answered: Option<NaiveDate> = "实际反馈日期", optional, Ty::Date, "实际反馈日期";
        verdict: Option<String> = "是否属实", optional, Ty::Choice(CLUE_VERDICTS),
            "属实 | 部分属实 | 不属实 | 核查中";
        #[serde(serialize_with = "results_as_map")]
        results: Vec<ResultItem> = "办理结果", optional, Ty::Results,
            "十项内容中的任意几项，每项写明情况";
        transfers: Vec<String> = "移送", optional, Ty::Choices(TRANSFERS),
            "公安机关 | 纪检监察机关";
        progress: Vec<Note> = "进展", optional, Ty::Objects(Note::FIELDS), "查处进展 {日期, 说明}";
        reply: Option<String> = "答复情况", optional, Ty::Markdown, "答复情况";
    }
}

table! {
    /// Who reported: never published.
    private struct Reporter {
        name: Option<String> = "姓名", optional, Ty::Text, "不公开";
        phone: Option<String> = "电话", optional, Ty::Text, "不公开";
        address: Option<String> = "地址", optional, Ty::Text, "不公开";
    }
}

table! {
    /// The whistleblower's identity and the raw report: never published.
    /// On the form they follow 举报来源.
    private struct CluePrivate {
        reporter: Option<Reporter> = "举报人", optional, Ty::Object(Reporter::FIELDS),
            "举报人信息：永不公开";
        content: String = "举报内容", required, Ty::Text, "举报原文：永不公开";
    }
}

impl CluePrivate {
    /// The literal private values, for the output scanner.
    pub fn values(&self) -> impl Iterator<Item = (&'static str, &str)> {
        let r = self.reporter.as_ref();
        [
            ("举报人.姓名", r.and_then(|r| r.name.as_deref())),
            ("举报人.电话", r.and_then(|r| r.phone.as_deref())),
            ("举报人.地址", r.and_then(|r| r.address.as_deref())),
            ("举报内容", Some(self.content.as_str())),
        ]
        .into_iter()
        .filter_map(|(k, v)| v.map(|v| (k, v)))
    }
}

table! {
    pub struct Removal {
        date: NaiveDate = "日期", required, Ty::Date, "移出日期；信用修复须列入满一年";
        reason: String = "原因", required, Ty::Choice(REMOVAL_REASONS), "信用修复 | 期满 | 撤销";
        note: Option<String> = "说明", optional, Ty::Markdown, "说明";
    }
}

table! {
    /// 黑名单.
    pub struct Blacklist {
        party: Party = "当事人", required, Ty::Party, "单位须填写统一社会信用代码";
        representative: Option<String> = "法定代表人", optional, Ty::Text, "法定代表人";
        cause: String = "列入事由", required, Ty::Markdown, "列入事由";
        basis: String = "列入依据", required, Ty::Markdown, "列入依据";
        doc_no: String = "列入决定书文号", required, Ty::Text, "列入决定书文号";
        authority: String = "列入机关", required, Ty::Text, "列入机关";
        listed: NaiveDate = "列入日期", required, Ty::Date, "列入日期";
        /// As written; the effective end is computed by `publish`.
        #[serde(skip)]
        expires: Option<NaiveDate> = "公示期满", optional, Ty::Date, "默认：列入日期 + site.yaml 公示期.黑名单（未设置时 3 年）";
        removal: Option<Removal> = "移出", optional, Ty::Object(Removal::FIELDS), "移出后填写";
    }
}

table! {
    pub struct DailyRegion {
        name: String = "名称", required, Ty::Text, "乡镇、街道";
        groups: u32 = "检查组", required, Ty::Count, "个";
        companies: u32 = "检查企业", required, Ty::Count, "家";
    }
}

table! {
    /// 每日检查进度 (附件3).
    pub struct Daily {
        date: NaiveDate = "日期", required, Ty::Date, "检查日期";
        regions: Vec<DailyRegion> = "地区", required, Ty::Objects(DailyRegion::FIELDS),
            "各地区 {名称, 检查组, 检查企业}";
    }
}

/// The fields every record has, in the form's order. A daily report puts
/// 日期 first and has its own 地区; a free page has no 地区, 行业领域 or
/// 设备类别.
pub const COMMON: &[Field] = &[
    f(
        "发布日期",
        true,
        Ty::Date,
        "记录公开的日期（YYYY-MM-DD）；晚于构建日期即为定时发布",
    ),
    f(
        "状态",
        false,
        Ty::Choice(STATUS),
        "已发布（默认）| 草稿（只在预览中出现）| 已撤回",
    ),
    f(
        "撤回",
        false,
        Ty::Object(Withdrawal::FIELDS),
        "仅「状态: 已撤回」时填写",
    ),
    f(
        "更正",
        false,
        Ty::Objects(Note::FIELDS),
        "更正说明列表，每项 {日期, 说明}",
    ),
    f("发布机构", false, Ty::Text, "默认为 site.yaml 的「机构」"),
    f("地区", false, Ty::Text, "乡镇、街道"),
    f(
        "行业领域",
        false,
        Ty::Sector,
        "site.yaml「行业领域」之一，如 特种设备、危险化学品、燃气",
    ),
    f("设备类别", false, Ty::Choice(EQUIPMENT), "特种设备类别"),
    f(
        "隐私例外",
        false,
        Ty::Objects(PrivacyException::FIELDS),
        "隐私扫描误报的放行记录；每条都会在 check 中列出",
    ),
];

/// The common fields that only records filed under a place and a sector have.
pub const FILING: &[&str] = &["地区", "行业领域", "设备类别"];

/// A free page's own front matter.
pub const PAGE: &[Field] = &[f("标题", true, Ty::Text, "页面标题")];
