//! `gongshi check`: every rule, every file, nothing written.

use super::{CONTENT_ERROR, OK};
use chrono::NaiveDate;
use std::path::PathBuf;

pub struct CheckOptions {
    pub site: PathBuf,
    pub date: NaiveDate,
    pub json: bool,
}

pub fn run(opts: CheckOptions) -> u8 {
    if !opts.site.is_dir() {
        return super::usage_error(
            opts.json,
            &format!("站点目录不存在：{}", opts.site.display()),
        );
    }
    // The whole pipeline of `build`, writing nothing: `check` fails
    // exactly when `build` would, with the same diagnostics.
    let build = crate::pipeline::BuildOptions {
        site: opts.site.clone(),
        out: None,
        date: opts.date,
        drafts: false,
        verbose: false,
        engine: false,
        static_search: true,
        search_apart_above: crate::pipeline::SEARCH_APART_ABOVE,
    };
    let (failed, list) = match crate::pipeline::build_site(&build, None) {
        crate::pipeline::Outcome::Built { warnings, .. } => (false, warnings),
        crate::pipeline::Outcome::Failed(diags, _) => (true, diags),
        crate::pipeline::Outcome::Io(msg) => {
            return super::usage_error(opts.json, &msg);
        }
    };
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
