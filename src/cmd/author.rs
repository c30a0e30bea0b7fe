//! Authoring commands: `gongshi init DIR`, `gongshi new KIND ID [SITE]`,
//! `gongshi schema KIND`; the work is [`crate::authoring`]'s.

use super::{CONTENT_ERROR, OK, USAGE_ERROR};
use crate::authoring::{Refused, init_site, kinds_list, new_record, record_kind};
use std::path::Path;

pub fn schema(kind: &str) -> u8 {
    match record_kind(kind) {
        Some(k) => {
            let schema = crate::content::fields::json_schema(k);
            println!(
                "{}",
                serde_json::to_string_pretty(&schema).unwrap_or_default()
            );
            OK
        }
        None => {
            eprintln!("错误：未知的记录类别「{kind}」，应为：{}", kinds_list());
            USAGE_ERROR
        }
    }
}

pub fn new(kind: &str, id: &str, site: &Path, today: chrono::NaiveDate) -> u8 {
    match new_record(kind, id, site, today) {
        Ok(path) => {
            println!("{}", path.display());
            OK
        }
        Err(Refused::Content(msg)) => {
            eprintln!("错误：{msg}");
            CONTENT_ERROR
        }
        Err(Refused::Usage(msg)) => {
            eprintln!("错误：{msg}");
            USAGE_ERROR
        }
    }
}

pub fn init(dir: &Path) -> u8 {
    match init_site(dir) {
        Ok(dir) => {
            println!("已创建站点：{}", dir.display());
            println!("下一步：cd {} && gongshi serve", dir.display());
            OK
        }
        Err(msg) => {
            eprintln!("错误：{msg}");
            USAGE_ERROR
        }
    }
}
