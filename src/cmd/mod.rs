//! One function per command; each returns the process exit status
//! (0 success, 1 content errors, 2 usage or I/O errors).

pub mod agenda;
pub mod author;
pub mod build;
pub mod check;
pub mod deploy;
pub mod import;
pub mod search;
pub mod serve;

use chrono::{FixedOffset, NaiveDate, Utc};

pub const OK: u8 = 0;
pub const CONTENT_ERROR: u8 = 1;
pub const USAGE_ERROR: u8 = 2;

/// Report a usage or I/O error: as JSON on standard output when the
/// command was asked for JSON (a script reads one format only), else in
/// words on standard error. Returns [`USAGE_ERROR`].
pub fn usage_error(json: bool, message: &str) -> u8 {
    if json {
        let d = crate::diag::report("", crate::diag::Pos::new(0, 0), "", message).build();
        println!(
            "{}",
            serde_json::to_string_pretty(&diagnostics_json(&[d])).unwrap_or_default()
        );
    } else {
        eprintln!("错误：{}", crate::diag::escape_controls(message));
    }
    USAGE_ERROR
}

/// Today in Asia/Shanghai (UTC+8 all year round).
pub fn today() -> NaiveDate {
    let tz = FixedOffset::east_opt(8 * 3600).expect("UTC+8 is a valid offset");
    Utc::now().with_timezone(&tz).date_naive()
}

pub fn parse_date_arg(s: &str) -> Result<NaiveDate, String> {
    crate::content::decode::parse_date(s)
        .ok_or_else(|| format!("日期格式不正确：{s}（应为 YYYY-MM-DD）"))
}

pub use crate::diag::{diagnostics_json, print_human};
