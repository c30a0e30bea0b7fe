//! Watching the site for changes by polling: portable, no extra dependency,
//! and cheap (one metadata call per file every 300 ms).

use super::{State, rebuild};
use crate::cmd::build::BuildOptions;
use std::path::Path;
use std::time::{Duration, SystemTime};

/// A fingerprint of everything a build reads.
pub fn fingerprint(site: &Path) -> (u64, u128, u64) {
    let mut count = 0u64;
    let mut newest = 0u128;
    let mut size = 0u64;
    for dir in ["content", "templates", "theme"] {
        for e in walkdir::WalkDir::new(site.join(dir))
            .into_iter()
            .filter_map(Result::ok)
        {
            if let Ok(m) = e.metadata() {
                count += 1;
                size = size.wrapping_add(m.len());
                let t = m
                    .modified()
                    .ok()
                    .and_then(|t| t.duration_since(SystemTime::UNIX_EPOCH).ok())
                    .map(|d| d.as_nanos())
                    .unwrap_or(0);
                newest = newest.max(t);
            }
        }
    }
    (count, newest, size)
}

pub fn watch(opts: &BuildOptions, state: &State) {
    let mut last = fingerprint(&opts.site);
    loop {
        std::thread::sleep(Duration::from_millis(300));
        let now = fingerprint(&opts.site);
        if now != last {
            // Let an editor finish writing its files.
            std::thread::sleep(Duration::from_millis(50));
            last = fingerprint(&opts.site);
            eprintln!("检测到修改，重新生成…");
            rebuild(opts, state);
        }
    }
}
