//! The open-data object of a record: the authoring field names, plus id,
//! url and the derived 状态, private fields never among them.

use super::*;

/// What `publish` derives of a record on the build date, for its open
/// data: its address, status, public party, publisher and corrections.
pub(super) struct Derived<'d> {
    pub date: NaiveDate,
    pub url: &'d str,
    pub status: &'d Option<Badge>,
    pub party: &'d Option<PubParty>,
    pub org: &'d str,
    pub corrections: &'d [Note],
}

/// The open-data object of a record before its relations are resolved.
pub(super) fn open_data(r: &Record, site: &Site, derived: Derived) -> Data {
    let Derived {
        date,
        url,
        status,
        party,
        org,
        corrections,
    } = derived;
    let m = &r.meta;
    let fields = own_fields(r, site, date);
    let mut data = Map::new();
    data.insert("id".into(), json!(m.id));
    // A day's tallies have no page of their own.
    if m.kind != Kind::Daily {
        data.insert("url".into(), json!(url));
    }
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

/// A record's own fields as open data on `date`, with the dates `publish`
/// derives (公示截止日期, 反馈期限, 公示期满) and an official's name as
/// published; what is dated after `date` is not there yet
/// ([`super::later`]).
fn own_fields(r: &Record, site: &Site, date: NaiveDate) -> Map<String, Value> {
    match &r.body {
        Body::Case(c) => to_map(c),
        Body::Action(a) => {
            let mut f = to_map(a);
            f.insert(
                "公示截止日期".into(),
                json!(action_publicity_end(a, r.meta.published, site)),
            );
            f
        }
        Body::Hazard(h) => to_map(&*later::hazard(h, date)),
        Body::Accountability(a) => {
            let mut f = to_map(a);
            if site.mask_officials {
                f.insert("姓名".into(), json!(mask_name(&a.name)));
            }
            f
        }
        Body::Clue(c) => {
            let mut f = to_map(&*later::clue(&c.public, date));
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
            let mut f = to_map(&*later::blacklist(b, date));
            let expires = b
                .expires
                .unwrap_or_else(|| site.periods.blacklist.after(b.listed));
            f.insert("公示期满".into(), json!(expires));
            // Removed because its period ran out: the day after the last
            // one it was listed, as a removal of reason 期满 reads.
            if let Some((day, "期满")) = super::removal_date(b, site, date)
                && !f.contains_key("移出")
            {
                f.insert("移出".into(), json!({ "日期": day, "原因": "期满" }));
            }
            f
        }
        Body::Daily(d) => to_map(d),
        Body::Page(p) => to_map(p),
    }
}

pub(super) fn to_map<T: Serialize>(v: &T) -> Map<String, Value> {
    match serde_json::to_value(v) {
        Ok(Value::Object(m)) => m,
        _ => Map::new(),
    }
}
