//! Decoders for each record kind: the shape of the data (keys, types,
//! vocabularies, required fields). The rules that relate fields to each other
//! or records to each other live in `check`.

use super::decode::{Ctx, Obj};
use super::model::*;
use super::yaml::Node;
use crate::diag::Pos;

const COMMON: &[&str] = &[
    "发布日期",
    "状态",
    "撤回",
    "更正",
    "发布机构",
    "地区",
    "行业领域",
    "设备类别",
    "隐私例外",
];

/// Decode one record from a mapping node. `id` comes from the file stem or,
/// in a bulk file, from `编号` (read by the caller).
pub fn decode(
    ctx: &mut Ctx,
    kind: Kind,
    id: &str,
    node: &Node,
    sectors: &[String],
    bulk: bool,
) -> Option<Record> {
    let mut o = Obj::open(ctx, node, "")?;
    let pos = node.pos;
    if bulk {
        // Already read by the caller; mark it as known.
        let _ = o.take(ctx, "编号");
    }
    let meta = decode_meta(ctx, &mut o, kind, id, pos, sectors);
    let (body, own): (Option<Body>, &[&str]) = match kind {
        Kind::Cases => (case(ctx, &mut o).map(Body::Case), CASE_KEYS),
        Kind::Actions => (action(ctx, &mut o).map(Body::Action), ACTION_KEYS),
        Kind::Hazards => (hazard(ctx, &mut o).map(Body::Hazard), HAZARD_KEYS),
        Kind::Accountability => (
            accountability(ctx, &mut o).map(Body::Accountability),
            ACCOUNTABILITY_KEYS,
        ),
        Kind::Clues => (
            clue(ctx, &mut o).map(|c| Body::Clue(Box::new(c))),
            CLUE_KEYS,
        ),
        Kind::Blacklist => (blacklist(ctx, &mut o).map(Body::Blacklist), BLACKLIST_KEYS),
        Kind::Daily => (daily(ctx, &mut o).map(Body::Daily), DAILY_KEYS),
        Kind::Pages => (None, &[]),
    };
    let _ = own;
    let mut known = known_keys(kind);
    if bulk {
        known.push("编号");
    }
    o.finish(ctx, &known);
    let meta = meta?;
    let mut meta = meta;
    meta.spans = std::mem::take(&mut ctx.spans);
    Some(Record { meta, body: body? })
}

/// The keys a record of `kind` may have, in the form's order.
pub fn known_keys(kind: Kind) -> Vec<&'static str> {
    let own: &[&str] = match kind {
        Kind::Cases => CASE_KEYS,
        Kind::Actions => ACTION_KEYS,
        Kind::Hazards => HAZARD_KEYS,
        Kind::Accountability => ACCOUNTABILITY_KEYS,
        Kind::Clues => CLUE_KEYS,
        Kind::Blacklist => BLACKLIST_KEYS,
        Kind::Daily => DAILY_KEYS,
        Kind::Pages => &["标题"],
    };
    let mut known: Vec<&str> = COMMON.to_vec();
    if kind == Kind::Daily {
        // the form's order: 日期, the common fields, then 地区
        known.retain(|k| *k != "地区");
        known.insert(0, "日期");
        known.push("地区");
        return known;
    }
    known.extend_from_slice(own);
    known
}

/// Front matter of a free page.
pub fn decode_page(ctx: &mut Ctx, id: &str, node: &Node, body: String) -> Option<Record> {
    let mut o = Obj::open(ctx, node, "")?;
    let title = o.req_str(ctx, "标题");
    let meta = decode_meta(ctx, &mut o, Kind::Pages, id, node.pos, &[]);
    o.finish(
        ctx,
        &["标题", "发布日期", "状态", "撤回", "更正", "隐私例外"],
    );
    let mut meta = meta?;
    meta.spans = std::mem::take(&mut ctx.spans);
    Some(Record {
        meta,
        body: Body::Page(Page {
            title: title?,
            body,
        }),
    })
}

fn decode_meta(
    ctx: &mut Ctx,
    o: &mut Obj,
    kind: Kind,
    id: &str,
    pos: Pos,
    sectors: &[String],
) -> Option<Meta> {
    let published = o.req_date(ctx, "发布日期");
    let status = match o.opt_choice(ctx, "状态", STATUS).as_deref() {
        Some("草稿") => Status::Draft,
        Some("已撤回") => Status::Withdrawn,
        _ => Status::Published,
    };
    let withdrawal = o.sub(ctx, "撤回", false).and_then(|mut w| {
        let date = w.req_date(ctx, "日期");
        let reason = w.req_str(ctx, "原因");
        w.finish(ctx, &["日期", "原因"]);
        Some(Withdrawal {
            date: date?,
            reason: reason?,
        })
    });
    let corrections = o.obj_list(ctx, "更正", note);
    let privacy_ok = o.obj_list(ctx, "隐私例外", |ctx, mut e| {
        let value = e.req_str(ctx, "内容");
        let why = e.req_str(ctx, "说明");
        e.finish(ctx, &["内容", "说明"]);
        Some((value?, why?))
    });
    let org = o.opt_str(ctx, "发布机构");
    let (region, sector, equipment) = if kind == Kind::Pages {
        (None, None, None)
    } else {
        let region = if kind == Kind::Daily {
            None
        } else {
            o.opt_str(ctx, "地区")
        };
        let sector_refs: Vec<&str> = sectors.iter().map(String::as_str).collect();
        (
            region,
            o.opt_choice(ctx, "行业领域", &sector_refs),
            o.opt_choice(ctx, "设备类别", EQUIPMENT),
        )
    };
    Some(Meta {
        kind,
        id: id.to_string(),
        path: ctx.path.to_string(),
        pos,
        spans: Default::default(),
        published: published?,
        status,
        withdrawal,
        corrections,
        org,
        region,
        sector,
        equipment,
        privacy_ok,
        privacy_used: Vec::new(),
    })
}

fn note(ctx: &mut Ctx, mut o: Obj) -> Option<Note> {
    let date = o.req_date(ctx, "日期");
    let text = o.req_str(ctx, "说明");
    o.finish(ctx, &["日期", "说明"]);
    Some(Note {
        date: date?,
        text: text?,
    })
}

fn party(ctx: &mut Ctx, o: &mut Obj, key: &str, required: bool) -> Option<Party> {
    let mut p = o.sub(ctx, key, required)?;
    let name = p.req_str(ctx, "名称");
    let code = p.opt_str(ctx, "统一社会信用代码");
    let kind = p.opt_choice(ctx, "类型", PARTY_TYPES);
    if kind.is_none() && code.is_none() {
        // Without either, a natural person could be published by full name.
        let r = ctx
            .error(
                p.pos,
                &p.field("类型"),
                "当事人没有统一社会信用代码时须填写「类型」",
            )
            .expected(format!("类型：{}", PARTY_TYPES.join("、")))
            .found("类型、统一社会信用代码都未填写");
        ctx.push(r);
    }
    let kind = kind.unwrap_or_else(|| "企业".to_string());
    p.finish(ctx, &["名称", "统一社会信用代码", "类型"]);
    Some(Party {
        name: name?,
        code: code.map(|c| c.trim().to_string()),
        kind,
    })
}

fn refs(ctx: &mut Ctx, o: &mut Obj, key: &str) -> Vec<Ref> {
    let Some(node) = o.take(ctx, key) else {
        return Vec::new();
    };
    let items: Vec<&Node> = match &node.value {
        super::yaml::Value::Seq(items) => items.iter().collect(),
        super::yaml::Value::Str(_) => vec![node],
        _ => {
            ctx.wrong(node, key, "「KIND/ID」引用的列表");
            return Vec::new();
        }
    };
    let mut out = Vec::new();
    for (i, n) in items.into_iter().enumerate() {
        let f = format!("{key}[{}]", i + 1);
        let Some(s) = super::decode::text(ctx, n, &f) else {
            continue;
        };
        let parsed = s.split_once('/').and_then(|(k, id)| {
            let kind = Kind::from_dir(k).filter(|k| *k != Kind::Pages || !id.is_empty())?;
            valid_id(id).then(|| (kind, id.to_string()))
        });
        match parsed {
            Some((kind, id)) => out.push(Ref {
                kind,
                id,
                pos: n.pos,
            }),
            None => {
                let r = ctx
                    .error(n.pos, &f, "关联引用格式不正确")
                    .expected("KIND/ID，例如 cases/hc-2022-001（KIND 为 cases、actions、hazards、accountability、clues、blacklist、daily、pages）")
                    .found(s);
                ctx.push(r);
            }
        }
    }
    out
}

/// `[a-z0-9][a-z0-9-]*`
pub fn valid_id(id: &str) -> bool {
    let b = id.as_bytes();
    !b.is_empty()
        && b.len() <= 100
        && (b[0].is_ascii_lowercase() || b[0].is_ascii_digit())
        && b.iter()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || *c == b'-')
}

const CASE_KEYS: &[&str] = &[
    "标题",
    "关键词",
    "要旨",
    "检查主体",
    "当事人",
    "基本案情",
    "处理结果",
    "案例剖析",
    "举一反三工作建议",
    "关联",
];

fn case(ctx: &mut Ctx, o: &mut Obj) -> Option<Case> {
    let title = o.req_str(ctx, "标题");
    let keywords = o.str_list(ctx, "关键词", true);
    let gist = o.req_str(ctx, "要旨");
    let inspector = o.req_str(ctx, "检查主体");
    let party = party(ctx, o, "当事人", true);
    let facts = o.req_str(ctx, "基本案情");
    let result = o.sub(ctx, "处理结果", true).map(|mut r| {
        let measures = r.choice_list(ctx, "措施", CASE_MEASURES, true);
        let fine = r.opt_money(ctx, "罚款金额");
        let note = r.opt_str(ctx, "说明");
        r.finish(ctx, &["措施", "罚款金额", "说明"]);
        CaseResult {
            measures,
            fine,
            note,
        }
    });
    let analysis = o.sub(ctx, "案例剖析", true).map(|mut a| {
        let v = Analysis {
            responsibility: a.opt_str(ctx, "责任落实"),
            institutions: a.opt_str(ctx, "体制机制"),
            factors: a.opt_str(ctx, "主客观因素"),
        };
        a.finish(ctx, &["责任落实", "体制机制", "主客观因素"]);
        v
    });
    let advice = o.str_list(ctx, "举一反三工作建议", true);
    let related = refs(ctx, o, "关联");
    Some(Case {
        title: title?,
        keywords,
        gist: gist?,
        inspector: inspector?,
        party: party?,
        facts: facts?,
        result: result?,
        analysis: analysis?,
        advice,
        related,
    })
}

const ACTION_KEYS: &[&str] = &[
    "措施类型",
    "处罚类别",
    "当事人",
    "决定书文号",
    "决定日期",
    "决定机关",
    "原因",
    "依据",
    "处罚内容",
    "罚款金额",
    "整改验收",
    "公示截止日期",
];

fn action(ctx: &mut Ctx, o: &mut Obj) -> Option<Action> {
    let measure = o.req_choice(ctx, "措施类型", ACTION_TYPES);
    let classes = o.choice_list(ctx, "处罚类别", PENALTY_CLASSES, false);
    let party = party(ctx, o, "当事人", true);
    let doc_no = o.opt_str(ctx, "决定书文号");
    let decided = o.req_date(ctx, "决定日期");
    let authority = o.req_str(ctx, "决定机关");
    let reason = o.req_str(ctx, "原因");
    let basis = o.opt_str(ctx, "依据");
    let content = o.opt_str(ctx, "处罚内容");
    let fine = o.opt_money(ctx, "罚款金额");
    let acceptance = o.sub(ctx, "整改验收", false).and_then(|mut a| {
        let date = a.req_date(ctx, "验收时间");
        let unit = a.req_str(ctx, "验收单位");
        let outcome = a.req_str(ctx, "整改情况");
        a.finish(ctx, &["验收时间", "验收单位", "整改情况"]);
        Some(Acceptance {
            date: date?,
            unit: unit?,
            outcome: outcome?,
        })
    });
    let publicity_end = o.opt_date(ctx, "公示截止日期");
    Some(Action {
        measure: measure?,
        classes,
        party: party?,
        doc_no,
        decided: decided?,
        authority: authority?,
        reason: reason?,
        basis,
        content,
        fine,
        acceptance,
        publicity_end,
    })
}

const HAZARD_KEYS: &[&str] = &[
    "检查单位",
    "被检查对象",
    "重大隐患内容",
    "整改措施",
    "整改时限",
    "整改责任单位",
    "整改责任人",
    "挂牌督办单位",
    "挂牌责任人",
    "挂牌日期",
    "销号",
];

fn hazard(ctx: &mut Ctx, o: &mut Obj) -> Option<Hazard> {
    let inspector = o.req_str(ctx, "检查单位");
    let party = party(ctx, o, "被检查对象", true);
    let content = o.req_str(ctx, "重大隐患内容");
    let measures = o.req_str(ctx, "整改措施");
    let deadline = o.req_date(ctx, "整改时限");
    let resp_unit = o.req_str(ctx, "整改责任单位");
    let resp_person = o.req_str(ctx, "整改责任人");
    let listing_unit = o.req_str(ctx, "挂牌督办单位");
    let listing_person = o.req_str(ctx, "挂牌责任人");
    let listed = o.req_date(ctx, "挂牌日期");
    let signoff = o.sub(ctx, "销号", false).and_then(|mut s| {
        let date = s.req_date(ctx, "日期");
        let unit = s.req_str(ctx, "验收单位");
        let note = s.opt_str(ctx, "说明");
        s.finish(ctx, &["日期", "验收单位", "说明"]);
        Some(SignOff {
            date: date?,
            unit: unit?,
            note,
        })
    });
    Some(Hazard {
        inspector: inspector?,
        party: party?,
        content: content?,
        measures: measures?,
        deadline: deadline?,
        resp_unit: resp_unit?,
        resp_person: resp_person?,
        listing_unit: listing_unit?,
        listing_person: listing_person?,
        listed: listed?,
        signoff,
    })
}

const ACCOUNTABILITY_KEYS: &[&str] = &["姓名", "单位", "职务", "情形", "事由", "决定日期", "关联"];

fn accountability(ctx: &mut Ctx, o: &mut Obj) -> Option<Accountability> {
    let name = o.req_str(ctx, "姓名");
    let unit = o.req_str(ctx, "单位");
    let post = o.req_str(ctx, "职务");
    let form = o.req_choice(ctx, "情形", ACCOUNTABILITY_FORMS);
    let cause = o.req_str(ctx, "事由");
    let decided = o.req_date(ctx, "决定日期");
    let related = refs(ctx, o, "关联");
    Some(Accountability {
        name: name?,
        unit: unit?,
        post: post?,
        form: form?,
        cause: cause?,
        decided: decided?,
        related,
    })
}

const CLUE_KEYS: &[&str] = &[
    "举报日期",
    "举报来源",
    "举报人",
    "举报内容",
    "问题摘要",
    "举报类型",
    "涉及单位",
    "属地",
    "交办文书文号",
    "交办单位",
    "交办日期",
    "反馈期限",
    "实际反馈日期",
    "是否属实",
    "办理结果",
    "移送",
    "进展",
    "答复情况",
];

fn clue(ctx: &mut Ctx, o: &mut Obj) -> Option<Clue> {
    let received = o.req_date(ctx, "举报日期");
    let source = o.req_choice(ctx, "举报来源", CLUE_SOURCES);
    let mut private = CluePrivate {
        reporter_name: None,
        reporter_phone: None,
        reporter_address: None,
        content: None,
    };
    if let Some(mut r) = o.sub(ctx, "举报人", false) {
        private.reporter_name = r.opt_str(ctx, "姓名");
        private.reporter_phone = r.opt_str(ctx, "电话");
        private.reporter_address = r.opt_str(ctx, "地址");
        r.finish(ctx, &["姓名", "电话", "地址"]);
    }
    private.content = o.req_str(ctx, "举报内容");
    let summary = o.req_str(ctx, "问题摘要");
    let kind = o.req_choice(ctx, "举报类型", CLUE_TYPES);
    let party = party(ctx, o, "涉及单位", false);
    let locality = o.req_str(ctx, "属地");
    let assign_no = o.opt_str(ctx, "交办文书文号");
    let assign_unit = o.opt_str(ctx, "交办单位");
    let assigned = o.opt_date(ctx, "交办日期");
    let deadline = o.opt_date(ctx, "反馈期限");
    let answered = o.opt_date(ctx, "实际反馈日期");
    let verdict = o.opt_choice(ctx, "是否属实", CLUE_VERDICTS);
    let mut results = Vec::new();
    if let Some(mut r) = o.sub(ctx, "办理结果", false) {
        for item in CLUE_RESULTS {
            if let Some(text) = r.opt_str(ctx, item) {
                results.push(ResultItem {
                    item: item.to_string(),
                    text,
                });
            }
        }
        r.finish(ctx, CLUE_RESULTS);
    }
    let transfers = o.choice_list(ctx, "移送", TRANSFERS, false);
    let progress = o.obj_list(ctx, "进展", note);
    let reply = o.opt_str(ctx, "答复情况");
    Some(Clue {
        public: ClueFields {
            received: received?,
            source: source?,
            summary: summary?,
            kind: kind?,
            party,
            locality: locality?,
            assign_no,
            assign_unit,
            assigned,
            deadline,
            answered,
            verdict,
            results,
            transfers,
            progress,
            reply,
        },
        private,
    })
}

const BLACKLIST_KEYS: &[&str] = &[
    "当事人",
    "法定代表人",
    "列入事由",
    "列入依据",
    "列入决定书文号",
    "列入机关",
    "列入日期",
    "公示期满",
    "移出",
];

fn blacklist(ctx: &mut Ctx, o: &mut Obj) -> Option<Blacklist> {
    let party = party(ctx, o, "当事人", true);
    let representative = o.opt_str(ctx, "法定代表人");
    let cause = o.req_str(ctx, "列入事由");
    let basis = o.req_str(ctx, "列入依据");
    let doc_no = o.req_str(ctx, "列入决定书文号");
    let authority = o.req_str(ctx, "列入机关");
    let listed = o.req_date(ctx, "列入日期");
    let expires = o.opt_date(ctx, "公示期满");
    let removal = o.sub(ctx, "移出", false).and_then(|mut r| {
        let date = r.req_date(ctx, "日期");
        let reason = r.req_choice(ctx, "原因", REMOVAL_REASONS);
        let note = r.opt_str(ctx, "说明");
        r.finish(ctx, &["日期", "原因", "说明"]);
        Some(Removal {
            date: date?,
            reason: reason?,
            note,
        })
    });
    Some(Blacklist {
        party: party?,
        representative,
        cause: cause?,
        basis: basis?,
        doc_no: doc_no?,
        authority: authority?,
        listed: listed?,
        expires,
        removal,
    })
}

const DAILY_KEYS: &[&str] = &["日期", "地区"];

fn daily(ctx: &mut Ctx, o: &mut Obj) -> Option<Daily> {
    let date = o.req_date(ctx, "日期");
    if !o.has_value("地区") {
        let r = ctx
            .error(o.pos, "地区", "缺少必填字段「地区」")
            .expected("地区列表：- {名称: 城关镇, 检查组: 3, 检查企业: 12}")
            .found("未填写");
        ctx.push(r);
    }
    let regions = o.obj_list(ctx, "地区", |ctx, mut r| {
        let name = r.req_str(ctx, "名称");
        let groups = r.req_count(ctx, "检查组");
        let companies = r.req_count(ctx, "检查企业");
        r.finish(ctx, &["名称", "检查组", "检查企业"]);
        Some(DailyRegion {
            name: name?,
            groups: groups?,
            companies: companies?,
        })
    });
    Some(Daily {
        date: date?,
        regions,
    })
}
