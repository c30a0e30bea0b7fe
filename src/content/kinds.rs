//! Decoding a record: the common fields and each kind's table (see
//! [`super::tables`]), which give the shape of the data (keys, types,
//! vocabularies, required fields). The rules that relate fields to each
//! other or records to each other live in `check`.

use super::decode::{Ctx, Obj};
use super::model::*;
use super::table::{Field, Read, Ty};
use super::yaml::Node;
use crate::diag::Pos;
use chrono::NaiveDate;

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
    let mut meta = decode_meta(ctx, &mut o, kind, id, pos, sectors);
    let (body, missing) = match kind {
        Kind::Cases => wrap(Case::decode_all(ctx, &mut o), Body::Case),
        Kind::Actions => wrap(Action::decode_all(ctx, &mut o), Body::Action),
        Kind::Hazards => wrap(Hazard::decode_all(ctx, &mut o), Body::Hazard),
        Kind::Accountability => wrap(
            Accountability::decode_all(ctx, &mut o),
            Body::Accountability,
        ),
        Kind::Clues => {
            let (public, mut missing) = ClueFields::decode_all(ctx, &mut o);
            let (private, more) = CluePrivate::decode_all(ctx, &mut o);
            missing.extend(more);
            let clue = Body::Clue(Box::new(Clue { public, private }));
            (clue, missing)
        }
        Kind::Blacklist => wrap(Blacklist::decode_all(ctx, &mut o), Body::Blacklist),
        Kind::Daily => wrap(Daily::decode_all(ctx, &mut o), Body::Daily),
        Kind::Pages => return None,
    };
    let mut known = known_keys(kind);
    if bulk {
        known.push("编号");
    }
    o.finish(ctx, &known);
    meta.incomplete.extend(missing);
    meta.spans = std::mem::take(&mut ctx.spans);
    Some(Record { meta, body })
}

fn wrap<T>((v, missing): (T, Vec<&'static str>), f: fn(T) -> Body) -> (Body, Vec<&'static str>) {
    (f(v), missing)
}

/// The keys a record of `kind` may have, in the form's order.
pub fn known_keys(kind: Kind) -> Vec<&'static str> {
    fields(kind).iter().map(|f| f.key).collect()
}

/// The fields of a kind in the form's order: the common ones, then the
/// kind's own table. A daily report starts with its 日期 and has its own
/// 地区; a clue's whistleblower fields follow 举报来源.
pub fn fields(kind: Kind) -> Vec<Field> {
    let mut v: Vec<Field> = match kind {
        Kind::Daily => COMMON.iter().filter(|f| f.key != "地区").copied().collect(),
        Kind::Pages => COMMON
            .iter()
            .filter(|f| !FILING.contains(&f.key))
            .copied()
            .collect(),
        _ => COMMON.to_vec(),
    };
    let own: &[Field] = match kind {
        Kind::Cases => Case::FIELDS,
        Kind::Actions => Action::FIELDS,
        Kind::Hazards => Hazard::FIELDS,
        Kind::Accountability => Accountability::FIELDS,
        Kind::Clues => ClueFields::FIELDS,
        Kind::Blacklist => Blacklist::FIELDS,
        Kind::Daily => {
            v.insert(0, Daily::FIELDS[0]);
            &Daily::FIELDS[1..]
        }
        Kind::Pages => {
            v.splice(0..0, PAGE.iter().copied());
            &[]
        }
    };
    v.extend_from_slice(own);
    if kind == Kind::Clues
        && let Some(at) = v.iter().position(|f| f.key == "举报来源")
    {
        v.splice(at + 1..at + 1, CluePrivate::FIELDS.iter().copied());
    }
    v
}

/// Front matter of a free page.
pub fn decode_page(ctx: &mut Ctx, id: &str, node: &Node, body: String) -> Option<Record> {
    let mut o = Obj::open(ctx, node, "")?;
    let title = o.req_str(ctx, PAGE[0].key);
    let mut meta = decode_meta(ctx, &mut o, Kind::Pages, id, node.pos, &[]);
    o.finish(ctx, &known_keys(Kind::Pages));
    if title.is_none() {
        meta.incomplete.push(PAGE[0].key);
    }
    meta.spans = std::mem::take(&mut ctx.spans);
    Some(Record {
        meta,
        body: Body::Page(Page {
            title: title.unwrap_or_default(),
            body,
        }),
    })
}

/// Read a common field as [`COMMON`] declares it; a field missing or
/// wrong (reported) is named in `incomplete`.
fn common<T: Read>(
    ctx: &mut Ctx,
    o: &mut Obj,
    key: &str,
    incomplete: &mut Vec<&'static str>,
) -> Option<T> {
    let field = COMMON.iter().find(|f| f.key == key)?;
    super::table::read_noting(ctx, o, field, incomplete)
}

fn decode_meta(
    ctx: &mut Ctx,
    o: &mut Obj,
    kind: Kind,
    id: &str,
    pos: Pos,
    sectors: &[String],
) -> Meta {
    let mut incomplete = Vec::new();
    let inc = &mut incomplete;
    let published: Option<NaiveDate> = common(ctx, o, "发布日期", inc);
    let status = match common::<Option<String>>(ctx, o, "状态", inc)
        .flatten()
        .as_deref()
    {
        Some("草稿") => Status::Draft,
        Some("已撤回") => Status::Withdrawn,
        _ => Status::Published,
    };
    let withdrawal = common::<Option<Withdrawal>>(ctx, o, "撤回", inc).flatten();
    let corrections = common::<Vec<Note>>(ctx, o, "更正", inc).unwrap_or_default();
    let privacy_ok = common::<Vec<PrivacyException>>(ctx, o, "隐私例外", inc)
        .unwrap_or_default()
        .into_iter()
        .map(|e| (e.value, e.why))
        .collect();
    let org = common::<Option<String>>(ctx, o, "发布机构", inc).flatten();
    let (region, sector, equipment) = if kind == Kind::Pages {
        (None, None, None)
    } else {
        let region = if kind == Kind::Daily {
            None
        } else {
            common::<Option<String>>(ctx, o, "地区", inc).flatten()
        };
        // 行业领域 is a choice from the site's own list.
        let sector_refs: Vec<&str> = sectors.iter().map(String::as_str).collect();
        (
            region,
            o.opt_choice(ctx, "行业领域", &sector_refs),
            common::<Option<String>>(ctx, o, "设备类别", inc).flatten(),
        )
    };
    Meta {
        kind,
        id: id.to_string(),
        path: ctx.path.to_string(),
        pos,
        spans: Default::default(),
        published: published.unwrap_or_default(),
        status,
        withdrawal,
        corrections,
        org,
        region,
        sector,
        equipment,
        privacy_ok,
        privacy_used: Vec::new(),
        incomplete,
    }
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

impl Read for Party {
    const WHOLE_DESPITE_REPORTS: bool = true;
    fn read(ctx: &mut Ctx, o: &mut Obj, f: &Field) -> Option<Self> {
        party(ctx, o, f.key, true)
    }
}

impl Read for Option<Party> {
    const WHOLE_DESPITE_REPORTS: bool = true;
    fn read(ctx: &mut Ctx, o: &mut Obj, f: &Field) -> Option<Self> {
        Some(party(ctx, o, f.key, false))
    }
}

impl Read for Vec<Ref> {
    fn read(ctx: &mut Ctx, o: &mut Obj, f: &Field) -> Option<Self> {
        Some(refs(ctx, o, f.key))
    }
}

/// 办理结果: a mapping from any of the ten items to its text, kept in the
/// order of the ten items.
impl Read for Vec<ResultItem> {
    fn read(ctx: &mut Ctx, o: &mut Obj, f: &Field) -> Option<Self> {
        debug_assert!(matches!(f.ty, Ty::Results));
        let mut results = Vec::new();
        if let Some(mut r) = o.sub(ctx, f.key, false) {
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
        Some(results)
    }
}
