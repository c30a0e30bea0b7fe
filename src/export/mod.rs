//! Open data, feeds and the sitemap: machine-readable views of the same
//! public records the pages show.

pub(crate) mod csv;
mod feed;

use crate::content::model::Kind;
use crate::output::Staging;
use crate::publish::{Data, PublicSite};
use serde_json::json;

/// Write `data/`, `feed.xml`, `feeds/`, `sitemap.xml` and `robots.txt`.
pub fn write_all(
    public: &PublicSite,
    page_urls: &[(String, Option<chrono::NaiveDate>)],
    staging: &Staging,
    cache: &crate::output::cache::PageCache,
) {
    // A kind whose records (and build date, in the workbook) are those of
    // the previous build takes its three files from it.
    let fingerprint = concat!("open data ", env!("CARGO_PKG_VERSION"));
    let mut index = Vec::new();
    // Every kind of record has its open data; the daily tallies have no
    // page or feed of their own, but their figures are public.
    for kind in Kind::LISTED.into_iter().chain([Kind::Daily]) {
        let rows: Vec<&Data> = public.of_kind(kind).map(|r| &*r.data).collect();
        let names = ["json", "csv", "xlsx"].map(|f| format!("data/{}.{f}", kind.dir()));
        let key = cache.key(fingerprint, &(kind.dir(), public.date, &rows));
        if !cache.take(staging, &names.each_ref().map(String::as_str), &key) {
            staging.write(&names[0], &json_lines(&rows), None);
            // One table for both: the spreadsheet takes its cells as it goes.
            let (columns, cells) = csv::table(&rows);
            staging.write(&names[1], &csv::write(&columns, &cells), None);
            let made = xlsx(kind.label(), &columns, cells, public.date)
                .map(|x| staging.write(&names[2], &x, None))
                .is_ok();
            for n in &names[..if made { 3 } else { 2 }] {
                cache.record(n, key.clone(), false);
            }
        }
        let updated = public.of_kind(kind).map(|r| r.published).max();
        for format in ["json", "csv", "xlsx"] {
            index.push(json!({
                "name": format!("data/{}.{format}", kind.dir()),
                "kind": kind.dir(),
                "title": kind.label(),
                "format": format,
                "records": rows.len(),
                "updated": updated,
            }));
        }
    }
    let removed: Vec<&Data> = public.removed.iter().map(|r| &*r.data).collect();
    staging.write("data/blacklist-removed.json", &json_lines(&removed), None);
    index.push(json!({
        "name": "data/blacklist-removed.json",
        "kind": "blacklist-removed",
        "title": "黑名单移出公告",
        "format": "json",
        "records": removed.len(),
        "updated": public.removed.iter().map(|r| r.published).max(),
    }));
    let index = json!({ "site": public.site.info.name, "build_date": public.date, "files": index });
    let mut bytes = serde_json::to_vec_pretty(&index).unwrap_or_default();
    bytes.push(b'\n');
    staging.write("data/index.json", &bytes, None);
    staging.write("feed.xml", feed::atom(public, None).as_bytes(), None);
    for kind in Kind::LISTED {
        staging.write(
            &format!("feeds/{}.xml", kind.dir()),
            feed::atom(public, Some(kind)).as_bytes(),
            None,
        );
    }
    sitemap(public, page_urls, staging);
    let robots = format!(
        "User-agent: *\nAllow: /\nSitemap: {}sitemap.xml\n",
        public.site.info.base_url
    );
    staging.write("robots.txt", robots.as_bytes(), None);
}

/// The same table as the CSV, as a spreadsheet with a bold header row.
fn xlsx(
    title: &str,
    columns: &[String],
    cells: Vec<Vec<String>>,
    date: chrono::NaiveDate,
) -> Result<Vec<u8>, String> {
    use crate::xlsx::{Book, Style};
    let mut wb = Book::new(date);
    let ws = wb.sheet(title);
    for (c, h) in columns.iter().enumerate() {
        ws.text(0, c as u16, h, Style::Bold);
    }
    for (r, row) in cells.into_iter().enumerate() {
        for (c, v) in row.iter().enumerate() {
            if v.is_empty() {
                continue;
            }
            let money = columns[c].ends_with("罚款金额");
            match v.parse::<f64>() {
                Ok(n) if money => ws.number(r as u32 + 1, c as u16, n, Style::Plain),
                _ => ws.text(r as u32 + 1, c as u16, v, Style::Plain),
            }
        }
    }
    ws.freeze_header();
    wb.into_bytes()
}

/// A JSON array with one record per line: small, and diffs well.
fn json_lines(rows: &[&Data]) -> Vec<u8> {
    let mut out = Vec::with_capacity(rows.len() * 512 + 4);
    out.extend_from_slice(b"[");
    for (i, r) in rows.iter().enumerate() {
        out.extend_from_slice(if i == 0 { b"\n" } else { b",\n" });
        out.extend(serde_json::to_vec(r).unwrap_or_default());
    }
    out.extend_from_slice(b"\n]\n");
    out
}

pub const SITEMAP_MAX: usize = 50_000;

fn sitemap(public: &PublicSite, urls: &[(String, Option<chrono::NaiveDate>)], staging: &Staging) {
    for (name, text) in sitemap_files(&public.site.info.base_url, urls) {
        staging.write(&name, text.as_bytes(), None);
    }
}

/// `sitemap.xml`, or past 50,000 URLs a sitemap index and its parts.
pub fn sitemap_files(
    base: &str,
    urls: &[(String, Option<chrono::NaiveDate>)],
) -> Vec<(String, String)> {
    let entry = |(u, d): &(String, Option<chrono::NaiveDate>)| match d {
        Some(d) => format!(
            "<url><loc>{}</loc><lastmod>{d}</lastmod></url>\n",
            feed::escape(&format!("{base}{u}"))
        ),
        None => format!(
            "<url><loc>{}</loc></url>\n",
            feed::escape(&format!("{base}{u}"))
        ),
    };
    let head = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n";
    let set = |part: &[(String, Option<chrono::NaiveDate>)]| {
        let mut s = String::from(head);
        part.iter().for_each(|u| s.push_str(&entry(u)));
        s.push_str("</urlset>\n");
        s
    };
    if urls.len() <= SITEMAP_MAX {
        return vec![("sitemap.xml".into(), set(urls))];
    }
    let mut files = Vec::new();
    let mut index = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<sitemapindex xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n",
    );
    for (i, chunk) in urls.chunks(SITEMAP_MAX).enumerate() {
        let name = format!("sitemaps/sitemap-{}.xml", i + 1);
        index.push_str(&format!(
            "<sitemap><loc>{}</loc></sitemap>\n",
            feed::escape(&format!("{base}{name}"))
        ));
        files.push((name, set(chunk)));
    }
    index.push_str("</sitemapindex>\n");
    files.insert(0, ("sitemap.xml".into(), index));
    files
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sitemap_splits_past_fifty_thousand_urls() {
        let urls: Vec<(String, Option<chrono::NaiveDate>)> = (0..120_001)
            .map(|i| (format!("cases/r{i}.html"), None))
            .collect();
        let files = sitemap_files("https://x.gov.cn/", &urls);
        let names: Vec<&str> = files.iter().map(|(n, _)| n.as_str()).collect();
        assert_eq!(
            names,
            [
                "sitemap.xml",
                "sitemaps/sitemap-1.xml",
                "sitemaps/sitemap-2.xml",
                "sitemaps/sitemap-3.xml"
            ]
        );
        assert!(
            files[0].1.contains("<sitemapindex")
                && files[0]
                    .1
                    .contains("https://x.gov.cn/sitemaps/sitemap-3.xml")
        );
        assert_eq!(files[1].1.matches("<url>").count(), 50_000);
        assert_eq!(files[3].1.matches("<url>").count(), 20_001);
        let small = sitemap_files("https://x.gov.cn/", &urls[..10]);
        assert_eq!(small.len(), 1);
        assert!(small[0].1.contains("<urlset") && small[0].1.matches("<url>").count() == 10);
    }
}
