//! `gongshi deploy [SITE] [--out DIR] --to s3://BUCKET/PREFIX [--dry-run]`
//! (see [`crate::deploy`]).

use super::{OK, USAGE_ERROR};
use std::path::{Path, PathBuf};

pub fn run(site: &Path, out: Option<PathBuf>, to: String, dry_run: bool) -> u8 {
    let out = out.unwrap_or_else(|| site.join("public"));
    let progress = std::io::IsTerminal::is_terminal(&std::io::stderr());
    let opts = crate::deploy::DeployOptions { out, to, dry_run };
    match crate::deploy::run(&opts, progress) {
        Ok(s) => {
            let what = if dry_run { "将上传" } else { "已上传" };
            eprintln!(
                "{what} {} 个文件（{:.1} MB），未变 {} 个，{}删除 {} 个{}",
                s.uploaded,
                s.uploaded_bytes as f64 / 1e6,
                s.unchanged,
                if dry_run { "将" } else { "" },
                s.deleted,
                if dry_run {
                    "（--dry-run：未改动存储）"
                } else {
                    ""
                }
            );
            OK
        }
        Err(msg) => {
            eprintln!("错误：{}", crate::diag::escape_controls(&msg));
            USAGE_ERROR
        }
    }
}
