//! `gongshi agenda [SITE] [--date D] [--days N] [--format human|json]`:
//! what falls due between D and D+N, and what is already late (JSON: an
//! array of `{kind, id, title, what, due}`).

use super::{OK, USAGE_ERROR};
use chrono::NaiveDate;
use std::path::PathBuf;

pub struct AgendaOptions {
    pub site: PathBuf,
    pub date: NaiveDate,
    pub days: u32,
    pub json: bool,
}

pub fn run(opts: AgendaOptions) -> u8 {
    if !opts.site.is_dir() {
        return super::usage_error(
            opts.json,
            &format!("站点目录不存在：{}", opts.site.display()),
        );
    }
    let (content, diags) = crate::content::load(&opts.site);
    if diags.has_errors() {
        eprintln!(
            "注意：内容有 {} 个错误（gongshi check 查看），有错的字段不计入待办",
            diags.errors()
        );
    }
    let items =
        crate::authoring::agenda::agenda(&content.records, &content.site, opts.date, opts.days);
    if opts.json {
        match serde_json::to_string_pretty(&items) {
            Ok(s) => println!("{s}"),
            Err(_) => return USAGE_ERROR,
        }
    } else {
        print!(
            "{}",
            crate::authoring::agenda::human(&items, opts.date, opts.days)
        );
    }
    OK
}
