//! Atom feeds: the latest 50 publications, of the site or of one kind.

use crate::content::model::Kind;
use crate::publish::PublicSite;

pub const FEED_LEN: usize = 50;

pub fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// One record's `<entry>`.
fn entry(s: &mut String, base: &str, r: &crate::publish::PubRecord) {
    let url = format!("{base}{}", r.url);
    s.push_str("<entry>\n");
    s.push_str(&format!("<title>{}</title>\n", escape(&r.title)));
    s.push_str(&format!("<id>{}</id>\n", escape(&url)));
    s.push_str(&format!("<link href=\"{}\"/>\n", escape(&url)));
    s.push_str(&format!(
        "<updated>{}T00:00:00+08:00</updated>\n",
        r.published
    ));
    s.push_str(&format!(
        "<category term=\"{}\" label=\"{}\"/>\n",
        r.kind.dir(),
        r.kind.label()
    ));
    let mut summary = Vec::new();
    if let Some(p) = &r.party {
        summary.push(p.name.clone());
    }
    if let Some(st) = &r.status {
        summary.push(st.label().to_string());
    }
    if let Some(reg) = &r.region {
        summary.push(reg.clone());
    }
    if !summary.is_empty() {
        s.push_str(&format!(
            "<summary>{}</summary>\n",
            escape(&summary.join(" · "))
        ));
    }
    s.push_str("</entry>\n");
}

pub fn atom(public: &PublicSite, kind: Option<Kind>) -> String {
    let base = &public.site.info.base_url;
    let mut items: Vec<_> = public
        .records
        .iter()
        .filter(|r| r.kind != Kind::Daily && r.preview.is_none())
        .filter(|r| kind.is_none_or(|k| r.kind == k))
        .collect();
    items.sort_by(|a, b| {
        (std::cmp::Reverse(a.published), a.kind, &a.id).cmp(&(
            std::cmp::Reverse(b.published),
            b.kind,
            &b.id,
        ))
    });
    items.truncate(FEED_LEN);
    let (title, self_url) = match kind {
        Some(k) => (
            format!("{} — {}", public.site.info.name, k.label()),
            format!("{base}feeds/{}.xml", k.dir()),
        ),
        None => (public.site.info.name.clone(), format!("{base}feed.xml")),
    };
    let updated = items
        .iter()
        .map(|r| r.published)
        .max()
        .unwrap_or(public.date);
    let mut s = String::with_capacity(1024 + items.len() * 400);
    s.push_str("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<feed xmlns=\"http://www.w3.org/2005/Atom\" xml:lang=\"zh-CN\">\n");
    s.push_str(&format!("<title>{}</title>\n", escape(&title)));
    s.push_str(&format!("<id>{}</id>\n", escape(&self_url)));
    s.push_str(&format!(
        "<link rel=\"self\" href=\"{}\"/>\n",
        escape(&self_url)
    ));
    s.push_str(&format!(
        "<link rel=\"alternate\" href=\"{}\"/>\n",
        escape(base)
    ));
    s.push_str(&format!("<updated>{updated}T00:00:00+08:00</updated>\n"));
    s.push_str(&format!(
        "<author><name>{}</name></author>\n",
        escape(&public.site.info.org)
    ));
    for r in items {
        entry(&mut s, base, r);
    }
    s.push_str("</feed>\n");
    s
}
