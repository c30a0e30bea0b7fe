//! Watching the site for changes: `notify` (inotify on Linux, FSEvents,
//! ReadDirectoryChanges) with a debouncer, so that a save is seen at once
//! and an editor's burst of writes is one rebuild. If the system cannot
//! watch (too many watches, say), the tree is polled instead: one metadata
//! call per file every 300 ms.

use super::{State, rebuild};
use crate::pipeline::BuildOptions;
use notify_debouncer_full::notify::{EventKind, RecommendedWatcher, RecursiveMode};
use notify_debouncer_full::{DebounceEventResult, Debouncer, RecommendedCache, new_debouncer};
use std::path::{Path, PathBuf};
use std::sync::mpsc::Receiver;
use std::time::{Duration, SystemTime};

/// The directories a build reads.
const WATCHED: [&str; 3] = ["content", "templates", "theme"];

/// How long a path must stay quiet before its change is built.
const QUIET: Duration = Duration::from_millis(30);

/// A fingerprint of everything a build reads.
pub fn fingerprint(site: &Path) -> (u64, u128, u64) {
    let mut count = 0u64;
    let mut newest = 0u128;
    let mut size = 0u64;
    for dir in WATCHED {
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

/// How changes are noticed; made before the first build, so that nothing
/// saved while it runs is missed.
pub enum Watch {
    Notify(Watcher),
    Poll((u64, u128, u64)),
}

pub struct Watcher {
    debouncer: Debouncer<RecommendedWatcher, RecommendedCache>,
    events: Receiver<DebounceEventResult>,
    /// The site as the build names it, and absolute (as events name it).
    given: PathBuf,
    site: PathBuf,
}

impl Watcher {
    fn new(site_given: &Path) -> Option<Watcher> {
        let site = site_given;
        let (tx, events) = std::sync::mpsc::channel();
        let debouncer = new_debouncer(QUIET, None, tx).ok()?;
        // Events name absolute paths.
        let site = std::env::current_dir().ok()?.join(site);
        let mut w = Watcher {
            debouncer,
            events,
            given: site_given.to_path_buf(),
            site,
        };
        // The site itself, to see content/, templates/ or theme/ appear.
        let site = w.site.clone();
        w.debouncer.watch(&site, RecursiveMode::NonRecursive).ok()?;
        for top in WATCHED {
            w.add(top).ok()?;
        }
        Some(w)
    }

    /// Watch `top` and all under it, if it is there.
    fn add(&mut self, top: &str) -> Result<(), ()> {
        let dir = self.site.join(top);
        if !dir.is_dir() {
            return Ok(());
        }
        self.debouncer
            .watch(&dir, RecursiveMode::Recursive)
            .map_err(|_| ())
    }

    /// The next change that concerns a build: the paths that changed, or
    /// `Some(None)` when that is not known. `None` when watching ended.
    fn next(&mut self) -> Option<Option<Vec<PathBuf>>> {
        loop {
            let mut batches = vec![self.events.recv().ok()?];
            batches.extend(self.events.try_iter());
            let mut paths = Some(Vec::new());
            let mut concerns = false;
            for batch in batches {
                let Ok(events) = batch else {
                    // The system lost track (its queue overflowed, say).
                    concerns = true;
                    paths = None;
                    continue;
                };
                for e in events {
                    // A build reads the files: reading is no change.
                    if matches!(e.event.kind, EventKind::Access(_)) {
                        continue;
                    }
                    if e.event.need_rescan() {
                        concerns = true;
                        paths = None;
                    }
                    for path in &e.event.paths {
                        let Some(top) =
                            WATCHED.iter().find(|t| path.starts_with(self.site.join(t)))
                        else {
                            continue;
                        };
                        concerns = true;
                        if *path == self.site.join(top) {
                            // The directory itself came or went.
                            let _ = self.add(top);
                            paths = None;
                        } else if let (Some(p), Ok(rel)) =
                            (&mut paths, path.strip_prefix(&self.site))
                        {
                            p.push(self.given.join(rel));
                        }
                    }
                }
            }
            if concerns {
                return Some(paths);
            }
        }
    }
}

pub fn begin(site: &Path) -> Watch {
    match Watcher::new(site) {
        Some(w) => Watch::Notify(w),
        None => Watch::Poll(fingerprint(site)),
    }
}

pub fn watch(w: Watch, opts: &BuildOptions, state: &State) {
    let mut last = match w {
        Watch::Notify(mut w) => {
            while let Some(paths) = w.next() {
                if let Some(paths) = paths {
                    state
                        .loaded
                        .lock()
                        .unwrap_or_else(|e| e.into_inner())
                        .changed_only(paths);
                }
                eprintln!("检测到修改，重新生成…");
                rebuild(opts, state);
            }
            fingerprint(&opts.site)
        }
        Watch::Poll(last) => last,
    };
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
