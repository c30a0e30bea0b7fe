//! The rules of the content format, over the loaded records.
//!
//! Second stage of the pipeline. The decoders in `content` already checked
//! shapes (keys, types, vocabularies); here are the rules that relate fields
//! to each other (date order, check digits, counts) and records to each other
//! (unique ids, 关联 that must exist), and the timeliness warnings.

pub mod privacy;

use crate::codes::{CreditError, credit_code};
use crate::content::Content;
use crate::content::model::*;
use crate::content::site::Site;
use crate::diag::{Diagnostics, Pos, report};
use chrono::NaiveDate;
use std::collections::{BTreeMap, BTreeSet};

/// Check every rule; problems go to `diags`.
/// Warnings for what is possible but probably a slip, on the build date
/// `today`: a date more than a year ahead or before 2000. They never block.
pub fn plausibility(content: &Content, today: NaiveDate, diags: &mut Diagnostics) {
    let ahead = today
        .checked_add_months(chrono::Months::new(12))
        .unwrap_or(NaiveDate::MAX);
    let first = NaiveDate::from_ymd_opt(2000, 1, 1).unwrap_or(NaiveDate::MIN);
    for r in &content.records {
        for (field, d) in r.dates() {
            let top = field.split(['.', '[']).next().unwrap_or(&field);
            // Ends and deadlines lie ahead by their nature.
            let end = matches!(top, "公示截止日期" | "公示期满" | "整改时限" | "反馈期限");
            if r.meta.incomplete.contains(&top)
                || (first..=ahead).contains(&d)
                || (end && d > ahead)
            {
                continue;
            }
            let (msg, expected) = if d > ahead {
                (
                    "日期在一年以后，是否写错了年份？",
                    format!("{today} 前后一年内的日期"),
                )
            } else {
                (
                    "日期早于 2000 年，是否写错了年份？",
                    "2000 年以后的日期".to_string(),
                )
            };
            diags.push(
                report(&r.meta.path, r.meta.pos_of(&field), &field, msg)
                    .expected(expected)
                    .found(d.to_string())
                    .warning(),
            );
        }
    }
}

pub fn check(content: &Content, diags: &mut Diagnostics) {
    use rayon::prelude::*;
    let each: Vec<Diagnostics> = content
        .records
        .par_iter()
        .map(|r| record(r, &content.site))
        .collect();
    each.into_iter().for_each(|d| diags.extend(d));
    across(content, diags);
}

/// The rules of one record alone: everything but the rules across records
/// ([`across`]). What it finds depends only on the record and the site, so
/// a caller that loads the same record again (the preview) may keep it.
pub fn record(r: &Record, site: &Site) -> Diagnostics {
    let mut diags = Diagnostics::default();
    let mut c = RecordCheck {
        rec: r,
        diags: &mut diags,
    };
    c.common();
    for party in parties(r) {
        c.party(party.0, party.1);
    }
    match &r.body {
        Body::Case(x) => c.case(x),
        Body::Action(x) => c.action(x, site),
        Body::Hazard(x) => c.hazard(x),
        Body::Clue(x) => c.clue(&x.public),
        Body::Blacklist(x) => c.blacklist(x),
        Body::Accountability(_) | Body::Daily(_) | Body::Page(_) => {}
    }
    diags
}

/// The page the site makes at `KIND/ID.html` itself, if any: a record of
/// that id would take its place.
pub fn generated_page(kind: Kind, id: &str) -> Option<&'static str> {
    match (kind, id) {
        (k, "index") if Kind::LISTED.contains(&k) => Some("列表首页"),
        (Kind::Hazards, "overdue") => Some("逾期隐患列表"),
        (Kind::Blacklist, "removed") => Some("移出公告"),
        _ => None,
    }
}

/// The rules across records: unique ids, 关联 that must exist, keywords
/// that too many cases share.
pub fn across(content: &Content, diags: &mut Diagnostics) {
    unique_ids(content, diags);
    let ids: crate::base::FastSet<(Kind, &str)> = content
        .records
        .iter()
        .map(|r| (r.meta.kind, r.meta.id.as_str()))
        .collect();
    for r in &content.records {
        for rf in r.related() {
            if !ids.contains(&(rf.kind, rf.id.as_str())) {
                diags.push(
                    report(&r.meta.path, rf.pos, "关联", "关联的记录不存在")
                        .expected(format!("content/{}/ 下已有的记录编号", rf.kind.dir()))
                        .found(format!("{}/{}", rf.kind.dir(), rf.id)),
                );
            }
        }
    }
    repeated_keywords(content, diags);
}

/// The parties of a record with the field they stand in.
fn parties(r: &Record) -> Vec<(&'static str, &Party)> {
    let key = match r.body {
        Body::Hazard(_) => "被检查对象",
        Body::Clue(_) => "涉及单位",
        _ => "当事人",
    };
    r.party().map(|p| vec![(key, p)]).unwrap_or_default()
}

fn unique_ids(content: &Content, diags: &mut Diagnostics) {
    // Sorted by kind and id, equal ids stand together (in file order).
    let mut all: Vec<&Meta> = content.records.iter().map(|r| &r.meta).collect();
    all.sort_by(|a, b| (a.kind, &a.id).cmp(&(b.kind, &b.id)));
    for metas in all.chunk_by(|a, b| (a.kind, &a.id) == (b.kind, &b.id)) {
        if metas.len() < 2 {
            continue;
        }
        let (kind, id) = (metas[0].kind, &metas[0].id);
        for m in metas {
            let others: Vec<String> = metas
                .iter()
                .filter(|o| !std::ptr::eq(**o, *m))
                .map(|o| format!("{}:{}", o.path, o.pos_of("编号").line))
                .collect();
            diags.push(
                report(&m.path, m.pos_of("编号"), "编号", "记录编号重复")
                    .expected(format!("在 {} 中唯一的编号", kind.dir()))
                    .found(format!("{id}（另见 {}）", others.join("、"))),
            );
        }
    }
}

/// Warn when one keyword is used by more than half of the cases (at least 5):
/// a keyword that everything has helps nobody find anything.
fn repeated_keywords(content: &Content, diags: &mut Diagnostics) {
    let cases: Vec<(&Meta, &Case)> = content
        .records
        .iter()
        .filter_map(|r| match &r.body {
            Body::Case(c) => Some((&r.meta, c)),
            _ => None,
        })
        .collect();
    if cases.len() < 10 {
        return;
    }
    let mut count: BTreeMap<&str, Vec<&Meta>> = BTreeMap::new();
    for (m, c) in &cases {
        for k in c.keywords.iter().collect::<BTreeSet<_>>() {
            count.entry(k.as_str()).or_default().push(m);
        }
    }
    for (k, metas) in count {
        if metas.len() * 2 > cases.len() {
            let m = metas[0];
            diags.push(
                report(
                    &m.path,
                    m.pos_of("关键词"),
                    "关键词",
                    format!("关键词「{k}」用于过多案例，不利于检索"),
                )
                .expected("能区分案例的关键词")
                .found(format!("{} 个案例中的 {} 个使用", cases.len(), metas.len()))
                .warning(),
            );
        }
    }
}

struct RecordCheck<'a> {
    rec: &'a Record,
    diags: &'a mut Diagnostics,
}

impl RecordCheck<'_> {
    fn pos(&self, field: &str) -> Pos {
        self.rec.meta.pos_of(field)
    }
    /// Whether `field` (or the field it is part of) was read: one missing
    /// or wrong was reported when the record was read, and holds a default
    /// that no rule may judge.
    fn has(&self, field: &str) -> bool {
        let top = field.split(['.', '[']).next().unwrap_or(field);
        !self.rec.meta.incomplete.contains(&top)
    }
    fn error(
        &mut self,
        field: &str,
        msg: &str,
        expected: impl Into<String>,
        found: impl Into<String>,
    ) {
        if !self.has(field) {
            return;
        }
        let r = report(&self.rec.meta.path, self.pos(field), field, msg)
            .expected(expected)
            .found(found);
        self.diags.push(r);
    }
    /// `later` must not be before `earlier`.
    fn order(&mut self, later: (&str, NaiveDate), earlier: (&str, NaiveDate)) {
        if later.1 < earlier.1 && self.has(earlier.0) {
            self.error(
                later.0,
                &format!("「{}」早于「{}」", later.0, earlier.0),
                format!("不早于 {}（{}）", earlier.1, earlier.0),
                later.1.to_string(),
            );
        }
    }

    fn common(&mut self) {
        let m = &self.rec.meta;
        if let Some(page) = generated_page(m.kind, &m.id) {
            self.error(
                "编号",
                "记录编号与站点自动生成的页面同名",
                "另取编号（index 是各类记录的列表首页，hazards 下的 overdue 是逾期隐患列表，blacklist 下的 removed 是移出公告）",
                format!("{}/{}.html（{page}）", m.kind.dir(), m.id),
            );
        }
        for (i, (value, why)) in m.privacy_ok.iter().enumerate() {
            let field = format!("隐私例外[{}]", i + 1);
            let r = report(
                &m.path,
                m.pos_of(&format!("{field}.内容")),
                &field,
                format!("隐私扫描已按人工审核放行：{why}"),
            )
            .expected("并非个人信息的号码（请确认审核无误）")
            .found(value.clone())
            .warning();
            self.diags.push(r);
        }
        match (m.status, &m.withdrawal) {
            (Status::Withdrawn, None) if self.has("撤回") => self.error(
                "状态",
                "已撤回的记录缺少「撤回」说明",
                "撤回: {日期: YYYY-MM-DD, 原因: …}",
                "未填写",
            ),
            (Status::Published | Status::Draft, Some(_)) => self.error(
                "撤回",
                "只有「状态: 已撤回」的记录才能填写「撤回」",
                "状态: 已撤回",
                match m.status {
                    Status::Draft => "草稿",
                    _ => "已发布",
                },
            ),
            (Status::Withdrawn, Some(w)) => {
                let (w, p) = (w.date, m.published);
                self.order(("撤回.日期", w), ("发布日期", p));
            }
            _ => {}
        }
    }

    fn party(&mut self, key: &str, p: &Party) {
        if !self.has(key) {
            return;
        }
        let field = format!("{key}.统一社会信用代码");
        if let Some(code) = &p.code {
            let problem = match credit_code(code) {
                Ok(()) => None,
                Err(CreditError::Length(n)) => Some(format!("长度为 {n} 位")),
                Err(CreditError::Char(c)) => Some(format!("含有不允许的字符「{c}」")),
                Err(CreditError::CheckDigit { expected, found }) => Some(format!(
                    "校验位为「{found}」，按前 17 位计算应为「{expected}」"
                )),
            };
            if problem.is_none() && crate::codes::person_id(code.as_bytes()) {
                self.error(
                    &field,
                    "统一社会信用代码是一个居民身份证号码，不得公开",
                    "营业执照上的统一社会信用代码（个体工商户的以 92 开头）；经营者本人的身份证号码不能作为代码",
                    code.clone(),
                );
            }
            if let Some(problem) = problem {
                self.error(
                    &field,
                    "统一社会信用代码未通过 GB 32100-2015 校验",
                    "18 位代码（数字及除 I、O、S、V、Z 外的大写字母），校验位正确",
                    format!("{code}（{problem}）"),
                );
            }
        }
        if p.is_person() && p.code.is_some() {
            self.error(
                &field,
                "自然人不应填写统一社会信用代码",
                "类型为企业、个体工商户或机关事业单位时才填写",
                "自然人",
            );
        }
    }

    /// 罚款金额 is in 万元: 1,000 or more was probably written in 元.
    fn fine(&mut self, field: &str, fine: Option<f64>) {
        if let Some(fine) = fine.filter(|f| *f >= 1000.0) {
            let r = report(
                &self.rec.meta.path,
                self.pos(field),
                field,
                "罚款金额在 1000 万元以上，是否以元为单位填写？",
            )
            .expected("以万元为单位的金额（3 万元写作 3）")
            .found(format!("{} 万元", crate::base::format_wan(fine)))
            .warning();
            self.diags.push(r);
        }
    }

    fn case(&mut self, c: &Case) {
        self.fine("处理结果.罚款金额", c.result.fine);
        if !c.title.ends_with('案') {
            self.error(
                "标题",
                "典型案例标题应为「检查主体+违法主体+案」格式，以「案」结尾",
                "例如：县消防救援大队对某企业消防检查案",
                c.title.clone(),
            );
        }
        let distinct: BTreeSet<&String> = c.keywords.iter().collect();
        if distinct.len() != c.keywords.len() {
            self.error(
                "关键词",
                "关键词有重复",
                "3 到 5 个互不相同的关键词",
                c.keywords.join("、"),
            );
        } else if !(3..=5).contains(&c.keywords.len()) {
            self.error(
                "关键词",
                "关键词数量不符合要求",
                "3 到 5 个",
                format!("{} 个", c.keywords.len()),
            );
        }
        if c.result.measures.is_empty() && self.rec.meta.spans.contains_key("处理结果.措施") {
            self.error(
                "处理结果.措施",
                "「处理结果.措施」不能为空",
                "至少一项处理措施",
                "空列表",
            );
        }
        let a = &c.analysis;
        if a.responsibility.is_none() && a.institutions.is_none() && a.factors.is_none() {
            self.error(
                "案例剖析",
                "案例剖析至少要从一个角度展开",
                "责任落实、体制机制、主客观因素 中至少一项",
                "都未填写",
            );
        }
        if c.advice.is_empty() && self.rec.meta.spans.contains_key("举一反三工作建议") {
            self.error(
                "举一反三工作建议",
                "「举一反三工作建议」不能为空",
                "至少一条建议",
                "空列表",
            );
        }
    }

    fn action(&mut self, a: &Action, site: &Site) {
        let published = self.rec.meta.published;
        if a.measure == "行政处罚" && self.has("措施类型") {
            if !self.rec.meta.spans.contains_key("处罚类别") {
                self.error(
                    "处罚类别",
                    "行政处罚须填写「处罚类别」",
                    "行政处罚法第九条所列类别，写成列表，如 [罚款, 警告]",
                    "未填写",
                );
            } else if a.classes.is_empty() && self.has("处罚类别") {
                self.error(
                    "处罚类别",
                    "行政处罚的「处罚类别」不能为空",
                    "行政处罚法第九条所列类别中至少一项，写成列表，如 [罚款, 警告]",
                    "空列表",
                );
            }
            if !self.rec.meta.spans.contains_key("决定书文号") {
                self.error(
                    "决定书文号",
                    "行政处罚须填写「决定书文号」",
                    "例如 海市监罚〔2022〕12号",
                    "未填写",
                );
            }
        }
        if a.classes.iter().any(|c| c == "罚款") && a.fine.is_none() && self.has("处罚类别") {
            self.error(
                "罚款金额",
                "处罚类别含「罚款」时须填写「罚款金额」",
                "罚款金额（万元，数字）",
                "未填写",
            );
        }
        self.fine("罚款金额", a.fine);
        self.order(("发布日期", published), ("决定日期", a.decided));
        if let Some(acc) = &a.acceptance {
            self.order(("整改验收.验收时间", acc.date), ("决定日期", a.decided));
        }
        if let Some(end) = a.publicity_end {
            self.order(("公示截止日期", end), ("决定日期", a.decided));
        }
        let deadline = site.add_working_days(a.decided, site.working_days);
        if published > deadline && self.has("发布日期") && self.has("决定日期") {
            let r = report(
                &self.rec.meta.path,
                self.pos("发布日期"),
                "发布日期",
                "未在法定时限内公示",
            )
            .expected(format!(
                "决定日期 {} 后 {} 个工作日内，即不晚于 {deadline}",
                a.decided, site.working_days
            ))
            .found(published.to_string())
            .warning();
            self.diags.push(r);
        }
    }

    fn hazard(&mut self, h: &Hazard) {
        self.order(("整改时限", h.deadline), ("挂牌日期", h.listed));
        let year = crate::content::site::Period::Years(1).after(h.listed);
        if h.deadline > year && self.has("整改时限") && self.has("挂牌日期") {
            let r = report(
                &self.rec.meta.path,
                self.pos("整改时限"),
                "整改时限",
                "整改时限在挂牌一年以后，是否写错了年份？",
            )
            .expected(format!("挂牌日期 {} 起一年内（不晚于 {year}）", h.listed))
            .found(h.deadline.to_string())
            .warning();
            self.diags.push(r);
        }
        if let Some(s) = &h.signoff {
            self.order(("销号.日期", s.date), ("挂牌日期", h.listed));
        }
    }

    fn clue(&mut self, c: &ClueFields) {
        let set = [
            ("交办文书文号", c.assign_no.is_some()),
            ("交办单位", c.assign_unit.is_some()),
            ("交办日期", c.assigned.is_some()),
        ];
        if set.iter().any(|(_, s)| *s) {
            for (key, present) in set {
                if !present {
                    self.error(
                        key,
                        &format!("已交办的线索须填写「{key}」"),
                        "交办文书文号、交办单位、交办日期 三项齐全",
                        "未填写",
                    );
                }
            }
        }
        if let Some(assigned) = c.assigned {
            self.order(("交办日期", assigned), ("举报日期", c.received));
            if let Some(d) = c.deadline {
                self.order(("反馈期限", d), ("交办日期", assigned));
            }
            if let Some(d) = c.answered {
                self.order(("实际反馈日期", d), ("交办日期", assigned));
            }
        } else if self.has("交办日期") {
            // A key left blank (as `gongshi new` writes it) is not filled.
            for (key, value) in [("反馈期限", c.deadline), ("实际反馈日期", c.answered)] {
                if value.is_some() {
                    self.error(
                        key,
                        &format!("未交办的线索不能填写「{key}」"),
                        "先填写交办信息",
                        key,
                    );
                }
            }
        }
    }

    fn blacklist(&mut self, b: &Blacklist) {
        if !b.party.is_person() && b.party.code.is_none() {
            self.error(
                "当事人.统一社会信用代码",
                "列入黑名单的单位须填写统一社会信用代码",
                "18 位统一社会信用代码",
                "未填写",
            );
        }
        if let Some(end) = b.expires {
            self.order(("公示期满", end), ("列入日期", b.listed));
        }
        if let Some(r) = &b.removal {
            self.order(("移出.日期", r.date), ("列入日期", b.listed));
            let year = crate::content::site::Period::Years(1).after(b.listed);
            if r.reason == "信用修复" && r.date < year && r.date >= b.listed && self.has("列入日期")
            {
                self.error(
                    "移出.日期",
                    "信用修复移出须在列入满一年之后",
                    format!("不早于 {year}（列入日期 {} 起满一年）", b.listed),
                    r.date.to_string(),
                );
            }
        }
    }
}
