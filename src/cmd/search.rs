//! `gongshi search QUERY [SITE]`: the tantivy index over the public view on
//! the build date, for staff at a terminal and for scripts (`--format json`:
//! an array of `{kind, id, title, url}`; when the content has errors,
//! exit status 1 and the diagnostics as `check --format json` gives them).

use super::{CONTENT_ERROR, OK, USAGE_ERROR};
use crate::search::Query;
use crate::search::engine::Engine;
use chrono::NaiveDate;
use serde::Serialize;
use std::path::PathBuf;

pub struct SearchOptions {
    pub query: String,
    pub site: PathBuf,
    pub date: NaiveDate,
    pub json: bool,
}

#[derive(Serialize)]
struct Row<'a> {
    kind: &'a str,
    id: &'a str,
    title: &'a str,
    url: &'a str,
}

pub fn run(opts: SearchOptions) -> u8 {
    if !opts.site.is_dir() {
        return super::usage_error(
            opts.json,
            &format!("站点目录不存在：{}", opts.site.display()),
        );
    }
    let (content, mut diags) = crate::content::load(&opts.site);
    crate::check::check(&content, &mut diags);
    if diags.has_errors() {
        // As check gives them: with --format json, on stdout as JSON (a
        // script reads one format; the exit status tells which shape).
        if opts.json {
            let v = super::diagnostics_json(&diags.sorted());
            println!("{}", serde_json::to_string_pretty(&v).unwrap_or_default());
        } else {
            super::print_human(&diags.sorted(), true);
            eprintln!("内容有错误，无法搜索");
        }
        return CONTENT_ERROR;
    }
    let public = crate::publish::publish(&content, opts.date, false);
    let docs = std::sync::Arc::new(crate::search::index::documents(&public));
    let engine = match Engine::build(&docs) {
        Ok(e) => e.ranked_as_the_site(docs.clone()),
        Err(e) => {
            eprintln!("错误：无法建立搜索索引：{e}");
            return USAGE_ERROR;
        }
    };
    let found = match engine.search(&Query {
        text: opts.query.clone(),
        ..Query::default()
    }) {
        Ok(f) => f,
        Err(e) => {
            eprintln!("错误：搜索失败：{e}");
            return USAGE_ERROR;
        }
    };
    if opts.json {
        let rows: Vec<Row> = found
            .iter()
            .map(|f| Row {
                kind: &f.kind,
                id: &f.id,
                title: &f.title,
                url: &f.url,
            })
            .collect();
        println!(
            "{}",
            serde_json::to_string_pretty(&rows).unwrap_or_else(|_| "[]".into())
        );
    } else {
        println!("「{}」共 {} 条结果", opts.query, found.len());
        for f in &found {
            println!("{}  {}  {}  {}", f.date, f.kind, f.title, f.url);
        }
    }
    OK
}
