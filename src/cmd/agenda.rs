//! `gongshi agenda [SITE] [--date D] [--days N] [--format human|json]`:
//! what falls due between D and D+N, and what is already late (JSON: an
//! array of `{kind, id, title, what, due}`). Exit status 1 when the
//! content has errors: the list is given all the same, without the fields
//! in error.

use super::{CONTENT_ERROR, OK, USAGE_ERROR};
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
    // The list is still given, without the fields in error; the exit
    // status says the content has errors, as check's does.
    let errors = diags.has_errors();
    if errors {
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
    if errors { CONTENT_ERROR } else { OK }
}
