//! `gongshi import FILE --kind KIND [SITE] [--dry-run]`: spreadsheet rows
//! into new record files (see [`crate::authoring::import`]).

use super::{CONTENT_ERROR, OK, USAGE_ERROR};
use crate::content::model::Kind;
use std::path::Path;

pub fn run(file: &Path, kind: &str, site: &Path, dry_run: bool) -> u8 {
    let Some(kind) = Kind::from_dir(kind) else {
        eprintln!(
            "错误：未知的记录类别「{kind}」，应为 cases、actions、hazards、accountability、clues、blacklist 之一"
        );
        return USAGE_ERROR;
    };
    if !site.join("content").is_dir() {
        eprintln!("错误：{} 不是站点目录（没有 content/）", site.display());
        return USAGE_ERROR;
    }
    match crate::authoring::import::import(file, kind, site, super::today(), dry_run) {
        Err(msg) => {
            eprintln!("错误：{}", crate::diag::escape_controls(&msg));
            USAGE_ERROR
        }
        Ok(done) if !done.problems.is_empty() => {
            for p in &done.problems {
                eprintln!("错误：{}", crate::diag::escape_controls(p));
            }
            eprintln!("共 {} 个问题，没有写入任何文件", done.problems.len());
            CONTENT_ERROR
        }
        Ok(done) => {
            let verb = if dry_run { "将写入" } else { "已写入" };
            for f in &done.files {
                let shown = f.strip_prefix(site).unwrap_or(f);
                println!("{verb} {}", shown.display());
            }
            let tail = if dry_run {
                "（--dry-run：未写入任何文件）"
            } else {
                "；请补全必填字段后运行 gongshi check"
            };
            eprintln!("共 {} 条记录{tail}", done.files.len());
            OK
        }
    }
}
