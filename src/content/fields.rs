//! The fields of every kind, in the order of the paper forms, with what to
//! write in each: the source of `gongshi new` templates and of the JSON
//! Schemas that let a YAML-aware editor complete keys and flag mistakes.
//! A test keeps this table equal to what the decoders accept.

use super::model::*;
use serde_json::{Map, Value, json};

#[derive(Clone, Copy)]
pub enum Ty {
    Text,
    Markdown,
    Date,
    Money,
    Count,
    Choice(&'static [&'static str]),
    Choices(&'static [&'static str]),
    Texts,
    Party,
    Refs,
    Object(&'static [Field]),
    Objects(&'static [Field]),
    /// 办理结果: any of the ten items, each with its text.
    Results,
}

#[derive(Clone, Copy)]
pub struct Field {
    pub key: &'static str,
    pub required: bool,
    pub ty: Ty,
    pub help: &'static str,
}

const fn f(key: &'static str, required: bool, ty: Ty, help: &'static str) -> Field {
    Field {
        key,
        required,
        ty,
        help,
    }
}

const NOTE: &[Field] = &[
    f("日期", true, Ty::Date, "YYYY-MM-DD"),
    f("说明", true, Ty::Text, "说明"),
];

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
        Ty::Object(&[
            f("日期", true, Ty::Date, "撤回日期"),
            f("原因", true, Ty::Text, "撤回原因，将在原网址公告"),
        ]),
        "仅「状态: 已撤回」时填写",
    ),
    f(
        "更正",
        false,
        Ty::Objects(NOTE),
        "更正说明列表，每项 {日期, 说明}",
    ),
    f("发布机构", false, Ty::Text, "默认为 site.yaml 的「机构」"),
    f("地区", false, Ty::Text, "乡镇、街道"),
    f(
        "行业领域",
        false,
        Ty::Text,
        "site.yaml「行业领域」之一，如 特种设备、危险化学品、燃气",
    ),
    f("设备类别", false, Ty::Choice(EQUIPMENT), "特种设备类别"),
    f(
        "隐私例外",
        false,
        Ty::Objects(&[
            f(
                "内容",
                true,
                Ty::Text,
                "经人工审核、并非个人信息的号码，原样填写",
            ),
            f("说明", true, Ty::Text, "审核说明：是什么号码、谁审核的"),
        ]),
        "隐私扫描误报的放行记录；每条都会在 check 中列出",
    ),
];

const PARTY_HELP: &str = "{名称, 统一社会信用代码（18 位，须通过校验）, 类型: 企业 | 个体工商户 | 机关事业单位 | 自然人}";

pub const CASE: &[Field] = &[
    f(
        "标题",
        true,
        Ty::Text,
        "格式为「检查主体+违法主体+案」，以「案」结尾，例如：县消防救援大队对某企业消防检查案",
    ),
    f(
        "关键词",
        true,
        Ty::Texts,
        "以 3 到 5 个互不相同的关键词对案例内容进行归纳",
    ),
    f(
        "要旨",
        true,
        Ty::Text,
        "根据法律法规、标准规范和相关规定要求，应当符合的情形",
    ),
    f("检查主体", true, Ty::Text, "实施检查的机关"),
    f("当事人", true, Ty::Party, PARTY_HELP),
    f(
        "基本案情",
        true,
        Ty::Markdown,
        "详细介绍案件事实，以及构成重大问题或重大隐患的判定依据（可用 Markdown）",
    ),
    f(
        "处理结果",
        true,
        Ty::Object(&[
            f(
                "措施",
                true,
                Ty::Choices(CASE_MEASURES),
                "采取的措施，如 责令停产整顿、行政处罚、挂牌督办",
            ),
            f("罚款金额", false, Ty::Money, "万元"),
            f("说明", false, Ty::Markdown, "处理结果说明"),
        ]),
        "{措施, 罚款金额, 说明}",
    ),
    f(
        "案例剖析",
        true,
        Ty::Object(&[
            f(
                "责任落实",
                false,
                Ty::Markdown,
                "从落实党政领导责任、部门监管责任、企业主体责任方面",
            ),
            f(
                "体制机制",
                false,
                Ty::Markdown,
                "从体制机制法制建立完善方面",
            ),
            f(
                "主客观因素",
                false,
                Ty::Markdown,
                "从存在的主、客观因素方面",
            ),
        ]),
        "三个角度至少写一个",
    ),
    f("举一反三工作建议", true, Ty::Texts, "至少一条工作建议"),
    f(
        "关联",
        false,
        Ty::Refs,
        "相关记录，KIND/ID，例如 actions/ha-2026-001",
    ),
];

pub const ACTION: &[Field] = &[
    f(
        "措施类型",
        true,
        Ty::Choice(ACTION_TYPES),
        "责令限期整改 | 行政处罚 | 停产整顿 | 暂扣吊销证照 | 关闭取缔",
    ),
    f(
        "处罚类别",
        false,
        Ty::Choices(PENALTY_CLASSES),
        "行政处罚必填：行政处罚法第九条的类别，如 罚款、警告",
    ),
    f("当事人", true, Ty::Party, PARTY_HELP),
    f(
        "决定书文号",
        false,
        Ty::Text,
        "行政处罚必填，例如 海市监罚〔2022〕12号",
    ),
    f(
        "决定日期",
        true,
        Ty::Date,
        "不晚于发布日期；安全生产行政处罚应在 7 个工作日内公开",
    ),
    f("决定机关", true, Ty::Text, "作出决定的机关"),
    f("原因", true, Ty::Markdown, "违法事实 / 整改原因"),
    f("依据", false, Ty::Markdown, "法律依据"),
    f("处罚内容", false, Ty::Markdown, "处罚内容"),
    f("罚款金额", false, Ty::Money, "万元"),
    f(
        "整改验收",
        false,
        Ty::Object(&[
            f("验收时间", true, Ty::Date, "不早于决定日期"),
            f("验收单位", true, Ty::Text, "验收单位"),
            f("整改情况", true, Ty::Text, "整改情况"),
        ]),
        "{验收时间, 验收单位, 整改情况}",
    ),
    f(
        "公示截止日期",
        false,
        Ty::Date,
        "默认：决定日期 + 公示期（轻微处罚 3 个月，其他 3 年）",
    ),
];

pub const HAZARD: &[Field] = &[
    f("检查单位", true, Ty::Text, "检查单位"),
    f("被检查对象", true, Ty::Party, PARTY_HELP),
    f("重大隐患内容", true, Ty::Markdown, "重大事故隐患内容"),
    f("整改措施", true, Ty::Markdown, "整改措施"),
    f(
        "整改时限",
        true,
        Ty::Date,
        "不早于挂牌日期；逾期未销号将醒目显示",
    ),
    f("整改责任单位", true, Ty::Text, "整改责任单位"),
    f("整改责任人", true, Ty::Text, "整改责任人"),
    f("挂牌督办单位", true, Ty::Text, "政府或部门"),
    f("挂牌责任人", true, Ty::Text, "挂牌责任人"),
    f("挂牌日期", true, Ty::Date, "挂牌日期"),
    f(
        "销号",
        false,
        Ty::Object(&[
            f("日期", true, Ty::Date, "销号日期"),
            f("验收单位", true, Ty::Text, "验收单位"),
            f("说明", false, Ty::Markdown, "说明"),
        ]),
        "整改完毕销号后填写 {日期, 验收单位, 说明}",
    ),
];

pub const ACCOUNTABILITY: &[Field] = &[
    f(
        "姓名",
        true,
        Ty::Text,
        "被问责人员姓名（按 site.yaml 隐私设置公开或脱敏）",
    ),
    f("单位", true, Ty::Text, "单位"),
    f("职务", true, Ty::Text, "职务"),
    f(
        "情形",
        true,
        Ty::Choice(ACCOUNTABILITY_FORMS),
        "党纪处分 | 政务处分 | 组织处理 | 诫勉谈话 | 移送司法机关 | 追究刑事责任",
    ),
    f("事由", true, Ty::Markdown, "问责事由"),
    f("决定日期", true, Ty::Date, "决定日期"),
    f("关联", false, Ty::Refs, "相关记录，KIND/ID"),
];

pub const CLUE: &[Field] = &[
    f("举报日期", true, Ty::Date, "举报日期"),
    f(
        "举报来源",
        true,
        Ty::Choice(CLUE_SOURCES),
        "电话 | 信箱 | 来信 | 来访 | 网络 | 督查发现 | 其他",
    ),
    f(
        "举报人",
        false,
        Ty::Object(&[
            f("姓名", false, Ty::Text, "不公开"),
            f("电话", false, Ty::Text, "不公开"),
            f("地址", false, Ty::Text, "不公开"),
        ]),
        "举报人信息：永不公开",
    ),
    f("举报内容", true, Ty::Text, "举报原文：永不公开"),
    f("问题摘要", true, Ty::Text, "公开的问题清单条目"),
    f(
        "举报类型",
        true,
        Ty::Choice(CLUE_TYPES),
        "非法违法生产经营建设 | 重大事故隐患 | 瞒报事故 | 其他",
    ),
    f("涉及单位", false, Ty::Party, PARTY_HELP),
    f("属地", true, Ty::Text, "属地政府"),
    f(
        "交办文书文号",
        false,
        Ty::Text,
        "交办后与交办单位、交办日期一并填写",
    ),
    f("交办单位", false, Ty::Text, "部门或政府"),
    f("交办日期", false, Ty::Date, "交办日期"),
    f("反馈期限", false, Ty::Date, "默认交办日期 + 7 日"),
    f("实际反馈日期", false, Ty::Date, "实际反馈日期"),
    f(
        "是否属实",
        false,
        Ty::Choice(CLUE_VERDICTS),
        "属实 | 部分属实 | 不属实 | 核查中",
    ),
    f(
        "办理结果",
        false,
        Ty::Results,
        "十项内容中的任意几项，每项写明情况",
    ),
    f(
        "移送",
        false,
        Ty::Choices(TRANSFERS),
        "公安机关 | 纪检监察机关",
    ),
    f("进展", false, Ty::Objects(NOTE), "查处进展 {日期, 说明}"),
    f("答复情况", false, Ty::Markdown, "答复情况"),
];

pub const BLACKLIST: &[Field] = &[
    f("当事人", true, Ty::Party, "单位须填写统一社会信用代码"),
    f("法定代表人", false, Ty::Text, "法定代表人"),
    f("列入事由", true, Ty::Markdown, "列入事由"),
    f("列入依据", true, Ty::Markdown, "列入依据"),
    f("列入决定书文号", true, Ty::Text, "列入决定书文号"),
    f("列入机关", true, Ty::Text, "列入机关"),
    f("列入日期", true, Ty::Date, "列入日期"),
    f("公示期满", false, Ty::Date, "默认列入日期 + 3 年"),
    f(
        "移出",
        false,
        Ty::Object(&[
            f("日期", true, Ty::Date, "移出日期；信用修复须列入满一年"),
            f(
                "原因",
                true,
                Ty::Choice(REMOVAL_REASONS),
                "信用修复 | 期满 | 撤销",
            ),
            f("说明", false, Ty::Markdown, "说明"),
        ]),
        "移出后填写",
    ),
];

pub const DAILY: &[Field] = &[
    f("日期", true, Ty::Date, "检查日期"),
    f(
        "地区",
        true,
        Ty::Objects(&[
            f("名称", true, Ty::Text, "乡镇、街道"),
            f("检查组", true, Ty::Count, "个"),
            f("检查企业", true, Ty::Count, "家"),
        ]),
        "各地区 {名称, 检查组, 检查企业}",
    ),
];

/// The fields of a kind, common ones first (daily has its own 地区).
pub fn fields(kind: Kind) -> Vec<Field> {
    let own: &[Field] = match kind {
        Kind::Cases => CASE,
        Kind::Actions => ACTION,
        Kind::Hazards => HAZARD,
        Kind::Accountability => ACCOUNTABILITY,
        Kind::Clues => CLUE,
        Kind::Blacklist => BLACKLIST,
        Kind::Daily => DAILY,
        Kind::Pages => &[],
    };
    let mut v: Vec<Field> = COMMON
        .iter()
        .copied()
        .filter(|c| kind != Kind::Daily || c.key != "地区")
        .collect();
    if kind == Kind::Daily {
        // the form's order: 日期 first
        v.insert(0, DAILY[0]);
        v.push(DAILY[1]);
        return v;
    }
    v.extend_from_slice(own);
    v
}

fn schema_of(field: &Field) -> Value {
    let mut s = match field.ty {
        Ty::Text | Ty::Markdown => json!({ "type": "string", "minLength": 1 }),
        Ty::Date => json!({ "type": "string", "pattern": "^[0-9]{4}-[0-9]{2}-[0-9]{2}$" }),
        Ty::Money => json!({ "type": "number", "minimum": 0 }),
        Ty::Count => json!({ "type": "integer", "minimum": 0 }),
        Ty::Choice(c) => json!({ "enum": c }),
        Ty::Choices(c) => json!({ "type": "array", "items": { "enum": c }, "minItems": 1 }),
        Ty::Texts => {
            json!({ "type": "array", "items": { "type": "string", "minLength": 1 }, "minItems": 1 })
        }
        Ty::Refs => {
            json!({ "type": "array", "items": { "type": "string", "pattern": "^(cases|actions|hazards|accountability|clues|blacklist|daily|pages)/[a-z0-9][a-z0-9-]*$" } })
        }
        Ty::Party => json!({
            "type": "object",
            "additionalProperties": false,
            "required": ["名称"],
            "properties": {
                "名称": { "type": "string", "minLength": 1 },
                "统一社会信用代码": { "type": "string", "pattern": "^[0-9A-HJ-NPQRTUWXY]{18}$" },
                "类型": { "enum": PARTY_TYPES },
            }
        }),
        Ty::Object(fs) => object(fs),
        Ty::Objects(fs) => json!({ "type": "array", "items": object(fs) }),
        Ty::Results => {
            let props: Map<String, Value> = CLUE_RESULTS
                .iter()
                .map(|k| (k.to_string(), json!({ "type": "string" })))
                .collect();
            json!({ "type": "object", "additionalProperties": false, "properties": props })
        }
    };
    if let Value::Object(m) = &mut s {
        m.insert("description".into(), json!(field.help));
    }
    s
}

fn object(fs: &[Field]) -> Value {
    let props: Map<String, Value> = fs
        .iter()
        .map(|f| (f.key.to_string(), schema_of(f)))
        .collect();
    let required: Vec<&str> = fs.iter().filter(|f| f.required).map(|f| f.key).collect();
    json!({ "type": "object", "additionalProperties": false, "required": required, "properties": props })
}

/// The JSON Schema of a record file of `kind`.
pub fn json_schema(kind: Kind) -> Value {
    let record = object(&fields(kind));
    let mut s = json!({
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": format!("gongshi {}（{}）", kind.dir(), kind.label()),
    });
    if kind == Kind::Actions {
        let mut item = record.clone();
        if let Value::Object(m) = &mut item {
            if let Some(Value::Object(p)) = m.get_mut("properties") {
                p.insert("编号".into(), json!({ "type": "string", "pattern": "^[a-z0-9][a-z0-9-]*$", "description": "批量文件中每条记录的编号" }));
            }
            if let Some(Value::Array(r)) = m.get_mut("required") {
                r.push(json!("编号"));
            }
        }
        s["oneOf"] = json!([record, { "type": "array", "items": item }]);
    } else if let (Value::Object(s), Value::Object(r)) = (&mut s, record) {
        s.extend(r);
    }
    s
}

/// A new record with every field, each with a comment on what to write.
pub fn template(kind: Kind, today: chrono::NaiveDate) -> String {
    let mut out = format!(
        "# yaml-language-server: $schema=../../schemas/{}.json\n# 新建{}：填写后删除不需要的可选字段。「状态: 草稿」的记录只在预览中出现。\n",
        kind.dir(),
        kind.label()
    );
    for field in fields(kind) {
        write_field(&mut out, &field, 0, today);
    }
    out
}

fn write_field(out: &mut String, field: &Field, indent: usize, today: chrono::NaiveDate) {
    let pad = "  ".repeat(indent);
    let req = if field.required { "必填" } else { "可选" };
    out.push_str(&format!("{pad}# {req}：{}\n", field.help));
    let value = match (field.key, field.ty) {
        ("发布日期", _) => today.to_string(),
        ("状态", _) => "草稿".to_string(),
        (_, Ty::Date) => {
            if field.required {
                today.to_string()
            } else {
                String::new()
            }
        }
        (_, Ty::Choice(c)) if field.required => c[0].to_string(),
        (_, Ty::Choices(c)) if field.required => format!("[{}]", c[0]),
        (_, Ty::Texts) if field.required => "[]".to_string(),
        (_, Ty::Markdown) if field.required => "|".to_string(),
        (_, Ty::Objects(fs)) if field.required => {
            // one item to copy, with every key of the item
            out.push_str(&format!("{pad}{}:\n", field.key));
            for (i, sub) in fs.iter().enumerate() {
                let lead = if i == 0 { "- " } else { "  " };
                let v = if matches!(sub.ty, Ty::Count) { "0" } else { "" };
                out.push_str(&format!("{pad}  {lead}{}: {v}  # {}\n", sub.key, sub.help));
            }
            return;
        }
        (_, Ty::Party) if field.required => {
            out.push_str(&format!(
                "{pad}{}:\n{pad}  名称: \n{pad}  统一社会信用代码: \n{pad}  类型: 企业\n",
                field.key
            ));
            return;
        }
        (_, Ty::Object(fs)) if field.required || fs.iter().any(|f| f.required) => {
            if field.required {
                out.push_str(&format!("{pad}{}:\n", field.key));
                for sub in fs {
                    write_field(out, sub, indent + 1, today);
                }
                return;
            }
            String::new()
        }
        _ => String::new(),
    };
    if value.is_empty() {
        out.push_str(&format!("{pad}{}:\n", field.key));
    } else if value.starts_with('|') {
        out.push_str(&format!("{pad}{}: {}\n", field.key, value.trim_end()));
    } else {
        out.push_str(&format!("{pad}{}: {value}\n", field.key));
    }
}
