//! `gongshi build`: the pipeline ([`crate::pipeline`]) into an output
//! directory that is checked, resolved and locked first.

use super::{CONTENT_ERROR, OK, USAGE_ERROR};
use crate::output::check_out_dir;
pub use crate::pipeline::BuildOptions;
use std::time::Instant;

pub fn run(opts: BuildOptions) -> u8 {
    let site = &opts.site;
    if !site.is_dir() {
        eprintln!("错误：站点目录不存在：{}", site.display());
        return USAGE_ERROR;
    }
    let out = opts.out.clone().unwrap_or_else(|| site.join("public"));
    let out = match check_out_dir(site, &out) {
        Ok(out) => out,
        Err(msg) => {
            eprintln!("错误：{msg}");
            return USAGE_ERROR;
        }
    };
    // One build at a time per output directory.
    let _lock = match crate::output::OutputLock::take(&out) {
        Ok(lock) => lock,
        Err(e) => {
            eprintln!("错误：无法锁定输出目录 {}：{e}", out.display());
            return USAGE_ERROR;
        }
    };
    let start = Instant::now();
    match crate::pipeline::build_site(&opts, Some(&out)) {
        crate::pipeline::Outcome::Built {
            warnings,
            files,
            bytes,
        } => {
            super::print_human(&warnings, true);
            eprintln!(
                "已生成 {} 个文件（{:.1} MB）→ {}，发布日期 {}，用时 {:.2} 秒",
                files,
                bytes as f64 / 1e6,
                out.display(),
                opts.date,
                start.elapsed().as_secs_f64()
            );
            OK
        }
        crate::pipeline::Outcome::Failed(diags, why) => {
            super::print_human(&diags, true);
            eprintln!("{why}");
            CONTENT_ERROR
        }
        crate::pipeline::Outcome::Io(msg) => {
            eprintln!("错误：{msg}");
            USAGE_ERROR
        }
    }
}
