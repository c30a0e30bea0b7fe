//! What each kind's table gives to authors: the JSON Schema that lets a
//! YAML-aware editor complete keys and flag mistakes, and the `gongshi new`
//! template with every field and a comment on what to write.

use super::kinds::fields;
use super::model::*;
use super::table::{Field, Ty};
use serde_json::{Map, Value, json};

fn schema_of(field: &Field) -> Value {
    let mut s = match field.ty {
        Ty::Text | Ty::Markdown | Ty::Sector => json!({ "type": "string", "minLength": 1 }),
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
    // An optional key left empty, as the template writes it, is no value
    // (check reads it so): the editor must not flag it either.
    let props: Map<String, Value> = fs
        .iter()
        .map(|f| {
            let s = schema_of(f);
            let s = if f.required {
                s
            } else {
                json!({ "anyOf": [s, { "type": "null" }], "description": f.help })
            };
            (f.key.to_string(), s)
        })
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

/// A new record with every field, each with a comment on what to write:
/// for `gongshi new` (`today`: its dates start as today's, its choices at
/// their first), or for an import (`None`: what the row does not give
/// stays empty).
pub fn template(kind: Kind, today: Option<chrono::NaiveDate>) -> String {
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

/// The keys a field's value takes, for its comment where the template
/// does not write them out and its help does not name them: unknown keys
/// are errors, so a clerk should not have to guess them.
fn keys_hint(field: &Field) -> String {
    if field.help.contains('{') {
        return String::new();
    }
    let keys: Vec<&str> = match field.ty {
        Ty::Object(fs) | Ty::Objects(fs) => fs.iter().map(|f| f.key).collect(),
        Ty::Results => crate::content::vocabulary::CLUE_RESULTS.to_vec(),
        _ => return String::new(),
    };
    format!(" {{{}}}", keys.join(", "))
}

fn write_field(out: &mut String, field: &Field, indent: usize, today: Option<chrono::NaiveDate>) {
    let pad = "  ".repeat(indent);
    let req = if field.required { "必填" } else { "可选" };
    out.push_str(&format!(
        "{pad}# {req}：{}{}\n",
        field.help,
        keys_hint(field)
    ));
    let value = match (field.key, field.ty) {
        ("状态", _) => "草稿".to_string(),
        // A new record's dates start as today's (an imported record's
        // stay empty: a date its form does not give is not made up).
        ("发布日期", _) => today.map(|d| d.to_string()).unwrap_or_default(),
        (_, Ty::Date) if field.required => today.map(|d| d.to_string()).unwrap_or_default(),
        (_, Ty::Date) => String::new(),
        // `new` offers the first choice to change; an import leaves a
        // choice its row does not give empty, for check to name.
        (_, Ty::Choice(c)) if field.required && today.is_some() => c[0].to_string(),
        (_, Ty::Choices(c)) if field.required && today.is_some() => format!("[{}]", c[0]),
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
            // An import does not call a party a company: a person's full
            // name is published only as the contract allows.
            let kind = if today.is_some() { " 企业" } else { "" };
            out.push_str(&format!(
                "{pad}{}:\n{pad}  名称: \n{pad}  统一社会信用代码: \n{pad}  类型:{kind}\n",
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
