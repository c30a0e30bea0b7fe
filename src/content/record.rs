//! What a record says of itself across kinds: its key, its party and
//! relations, and for the privacy scan its secrets and its public texts by
//! field.

use super::model::*;

impl Record {
    /// Every date of the record, by field: what the plausibility warnings
    /// read.
    pub fn dates(&self) -> Vec<(String, chrono::NaiveDate)> {
        let m = &self.meta;
        let mut out = vec![("发布日期".to_string(), m.published)];
        out.extend(
            m.withdrawal
                .iter()
                .map(|w| ("撤回.日期".to_string(), w.date)),
        );
        let listed = |key: &str, notes: &[Note]| -> Vec<(String, chrono::NaiveDate)> {
            notes
                .iter()
                .enumerate()
                .map(|(i, n)| (format!("{key}[{}].日期", i + 1), n.date))
                .collect()
        };
        out.extend(listed("更正", &m.corrections));
        let mut put = |key: &str, d: Option<chrono::NaiveDate>| {
            if let Some(d) = d {
                out.push((key.to_string(), d));
            }
        };
        match &self.body {
            Body::Action(a) => {
                put("决定日期", Some(a.decided));
                put("整改验收.验收时间", a.acceptance.as_ref().map(|x| x.date));
                put("公示截止日期", a.publicity_end);
            }
            Body::Hazard(h) => {
                put("挂牌日期", Some(h.listed));
                put("整改时限", Some(h.deadline));
                put("销号.日期", h.signoff.as_ref().map(|s| s.date));
            }
            Body::Accountability(a) => put("决定日期", Some(a.decided)),
            Body::Clue(c) => {
                let c = &c.public;
                put("举报日期", Some(c.received));
                put("交办日期", c.assigned);
                put("反馈期限", c.deadline);
                put("实际反馈日期", c.answered);
                out.extend(listed("进展", &c.progress));
            }
            Body::Blacklist(b) => {
                put("列入日期", Some(b.listed));
                put("公示期满", b.expires);
                put("移出.日期", b.removal.as_ref().map(|r| r.date));
            }
            Body::Daily(d) => put("日期", Some(d.date)),
            Body::Case(_) | Body::Page(_) => {}
        }
        out
    }

    /// `kind/id`.
    pub fn key(&self) -> String {
        format!("{}/{}", self.meta.kind.dir(), self.meta.id)
    }

    /// The values of this record that must never be published: a
    /// whistleblower's fields (placeholders such as 匿名 excepted), the full
    /// name of a natural person, and of an official where the site masks
    /// officials' names. Whatever the record's date and status.
    pub fn secrets(&self, site: &super::site::Site) -> Vec<crate::privacy::Secret> {
        let mut out = Vec::new();
        let mut push = |field: &'static str, value: &str| {
            let value = value.trim();
            if !crate::privacy::is_placeholder(value) {
                out.push(crate::privacy::Secret {
                    path: self.meta.path.clone(),
                    record: self.key(),
                    field,
                    value: value.to_string(),
                });
            }
        };
        if let Body::Clue(c) = &self.body {
            for (field, value) in c.private.values() {
                if field == "举报内容" {
                    // The raw report leaks as a whole or as any sentence.
                    for part in value.split(['。', '！', '？', '\n', '；', '!', '?', ';']) {
                        if part.trim().chars().count() >= 8 {
                            push(field, part);
                        }
                    }
                }
                push(field, value);
            }
        }
        if site.mask_persons
            && let Some(p) = self.party().filter(|p| p.is_person())
        {
            push("当事人.名称（自然人）", &p.name);
        }
        if site.mask_officials
            && let Body::Accountability(a) = &self.body
        {
            push("姓名（问责人员）", &a.name);
        }
        out
    }

    /// Every text of this record that may be published, by field: what
    /// the scan for private values reads. The whistleblower's fields are
    /// not among them.
    pub fn public_texts(&self) -> Vec<(String, String)> {
        let body = match &self.body {
            Body::Case(c) => serde_json::to_value(c),
            Body::Action(a) => serde_json::to_value(a),
            Body::Hazard(h) => serde_json::to_value(h),
            Body::Accountability(a) => serde_json::to_value(a),
            Body::Clue(c) => serde_json::to_value(&c.public),
            Body::Blacklist(b) => serde_json::to_value(b),
            Body::Daily(d) => serde_json::to_value(d),
            Body::Page(p) => serde_json::to_value(p),
        };
        let mut out = Vec::new();
        if let Ok(v) = body {
            strings("", &v, &mut out);
        }
        let m = &self.meta;
        if let Body::Page(p) = &self.body {
            out.push(("正文".into(), p.body.clone()));
        }
        if let Some(w) = &m.withdrawal {
            out.push(("撤回.原因".into(), w.reason.clone()));
        }
        for c in &m.corrections {
            out.push(("更正.说明".into(), c.text.clone()));
        }
        for (k, v) in [("发布机构", &m.org), ("地区", &m.region)] {
            if let Some(v) = v {
                out.push((k.into(), v.clone()));
            }
        }
        out
    }

    /// The party a record is about, if any.
    pub fn party(&self) -> Option<&Party> {
        match &self.body {
            Body::Case(c) => Some(&c.party),
            Body::Action(a) => Some(&a.party),
            Body::Hazard(h) => Some(&h.party),
            Body::Clue(c) => c.public.party.as_ref(),
            Body::Blacklist(b) => Some(&b.party),
            _ => None,
        }
    }
    pub fn related(&self) -> &[Ref] {
        match &self.body {
            Body::Case(c) => &c.related,
            Body::Accountability(a) => &a.related,
            _ => &[],
        }
    }
}

/// Every string of a JSON value, with its dotted path.
fn strings(prefix: &str, v: &serde_json::Value, out: &mut Vec<(String, String)>) {
    match v {
        serde_json::Value::String(s) => out.push((prefix.to_string(), s.clone())),
        serde_json::Value::Array(items) => {
            for item in items {
                strings(prefix, item, out);
            }
        }
        serde_json::Value::Object(m) => {
            for (k, item) in m {
                let p = if prefix.is_empty() {
                    k.clone()
                } else {
                    format!("{prefix}.{k}")
                };
                strings(&p, item, out);
            }
        }
        _ => {}
    }
}
