//! `gongshi check`: every rule, every file, nothing written.

use super::{CONTENT_ERROR, OK, USAGE_ERROR};
use crate::diag::Diagnostics;
use chrono::NaiveDate;
use std::path::PathBuf;

pub struct CheckOptions {
    pub site: PathBuf,
    pub date: NaiveDate,
    pub json: bool,
}

/// Load, check and publish (to find private data in public fields).
pub fn analyse(
    site: &std::path::Path,
    date: NaiveDate,
    drafts: bool,
) -> (crate::content::Content, Diagnostics) {
    let (content, mut diags) = crate::content::load(site);
    crate::check::check(&content, &mut diags);
    if let Err(errs) = crate::render::environment(site) {
        errs.into_iter().for_each(|d| diags.push_diag(d));
    }
    {
        let public = crate::publish::publish(&content, date, drafts);
        let scanner =
            crate::output::scan::Scanner::with_exceptions(&public.secrets, &public.allowed);
        for d in crate::cmd::build::scan_public(&public, &scanner) {
            diags.push_diag(d);
        }
    }
    (content, diags)
}

pub fn run(opts: CheckOptions) -> u8 {
    if !opts.site.is_dir() {
        eprintln!("错误：站点目录不存在：{}", opts.site.display());
        return USAGE_ERROR;
    }
    let (_content, diags) = analyse(&opts.site, opts.date, false);
    let failed = diags.has_errors();
    let list = diags.sorted();
    if opts.json {
        let v = super::diagnostics_json(&list);
        println!("{}", serde_json::to_string_pretty(&v).unwrap_or_default());
    } else {
        super::print_human(&list, false);
        if !failed {
            println!("检查通过");
        }
    }
    if failed { CONTENT_ERROR } else { OK }
}
