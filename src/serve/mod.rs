//! `gongshi serve`: local preview with live reload, and the search API.
//!
//! Builds the site into `SITE/.gongshi-cache/serve`, serves it on
//! 127.0.0.1 (unless told otherwise), watches `content/`, `templates/`,
//! `theme/` and rebuilds on a change. A failed rebuild keeps the last good
//! site online and shows its errors in the terminal and over the open pages.
//! `/api/search?q=…` answers with the tantivy index, same semantics as the
//! site's search.

mod http;
mod watch;

use crate::cmd::build::{BuildOptions, Outcome, build_site_cached};
use crate::diag::Diagnostic;
use crate::output::scan::Scanner;
use crate::search::engine::Engine;
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Condvar, Mutex, RwLock};

pub struct ServeOptions {
    pub site: PathBuf,
    pub bind: String,
    pub port: u16,
    pub drafts: bool,
    pub date: chrono::NaiveDate,
}

/// What the server shows: the last good build, and the last errors.
pub struct State {
    pub root: PathBuf,
    pub engine: RwLock<Option<Engine>>,
    /// Documents of the last good build whose tantivy index is not built
    /// yet: the API builds it on its first request, so an edit is shown
    /// without waiting for an index nobody may query.
    pub pending: Mutex<Option<Arc<Vec<crate::search::SearchDoc>>>>,
    /// The same for the static index of `search.html`, written beside the
    /// preview (in `search_root`) on the first request under `/search/`.
    pub search_pending: Mutex<Option<(Arc<Vec<crate::search::SearchDoc>>, Scanner)>>,
    /// Where that index is, and its manifest (`search/index.HASH.json`).
    pub search_root: PathBuf,
    pub search_manifest: RwLock<Option<String>>,
    pub generation: Mutex<u64>,
    pub changed: Condvar,
    pub errors: RwLock<Vec<Diagnostic>>,
    /// The records of the files as last read: a save reads one file again,
    /// not the whole site.
    pub loaded: Mutex<crate::content::LoadCache>,
    /// The fingerprint of the scanner that checked the current preview.
    pub scanned: Mutex<Option<String>>,
}

impl State {
    pub fn new(root: PathBuf) -> State {
        let search_root = root.with_file_name("serve-search");
        State {
            root,
            engine: RwLock::new(None),
            pending: Mutex::new(None),
            search_pending: Mutex::new(None),
            search_root,
            search_manifest: RwLock::new(None),
            generation: Mutex::new(0),
            changed: Condvar::new(),
            errors: RwLock::new(Vec::new()),
            loaded: Mutex::new(crate::content::LoadCache::default()),
            scanned: Mutex::new(None),
        }
    }
    fn bump(&self) {
        let mut g = self.generation.lock().unwrap_or_else(|e| e.into_inner());
        *g += 1;
        self.changed.notify_all();
    }
}

impl State {
    /// The search engine of the last good build, built now if needed.
    pub fn engine(&self) -> std::sync::RwLockReadGuard<'_, Option<Engine>> {
        // Requests that arrive while it is built wait here for it.
        let mut pending = self.pending.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(docs) = pending.take() {
            match Engine::build(&docs, None) {
                Ok(e) => *self.engine.write().unwrap_or_else(|e| e.into_inner()) = Some(e),
                Err(e) => eprintln!("警告：搜索索引建立失败：{e}"),
            }
        }
        drop(pending);
        self.engine.read().unwrap_or_else(|e| e.into_inner())
    }

    /// The manifest of the static search index of the last good build,
    /// written now if needed (under `search_root`).
    pub fn search_manifest(&self) -> Option<String> {
        let mut pending = self
            .search_pending
            .lock()
            .unwrap_or_else(|e| e.into_inner());
        if let Some((docs, scanner)) = pending.take() {
            let mut index = crate::search::Index::from_docs(docs.as_ref().clone());
            // Scanned like the site itself: a finding leaves search.html
            // without an index (and `build` refuses the site anyway).
            let name = crate::output::Staging::begin(&self.search_root, scanner)
                .ok()
                .and_then(|staging| {
                    let name = crate::search::static_files::write(&mut index, &staging);
                    staging.commit().ok().map(|()| name)
                });
            if name.is_none() {
                eprintln!("警告：预览的站内搜索索引写入失败");
            }
            *self
                .search_manifest
                .write()
                .unwrap_or_else(|e| e.into_inner()) = name;
        }
        drop(pending);
        self.search_manifest
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }
}

pub fn out_dir(site: &Path) -> PathBuf {
    site.join(".gongshi-cache").join("serve")
}

/// Build once and update the state; returns whether it succeeded.
pub fn rebuild(opts: &BuildOptions, state: &State) -> bool {
    let out = state.root.clone();
    let started = std::time::Instant::now();
    let mut loaded = state.loaded.lock().unwrap_or_else(|e| e.into_inner());
    let mut scanned = state.scanned.lock().unwrap_or_else(|e| e.into_inner());
    let outcome = build_site_cached(opts, &out, Some(&mut loaded), scanned.as_deref());
    if let Outcome::Built { scanner, .. } = &outcome {
        *scanned = Some(scanner.fingerprint().to_string());
    }
    match outcome {
        Outcome::Built {
            warnings,
            files,
            docs,
            scanner,
            ..
        } => {
            crate::cmd::print_human(&warnings, true);
            let docs = Arc::new(docs);
            *state.pending.lock().unwrap_or_else(|e| e.into_inner()) = Some(docs.clone());
            *state
                .search_pending
                .lock()
                .unwrap_or_else(|e| e.into_inner()) = Some((docs, scanner));
            *state.errors.write().unwrap_or_else(|e| e.into_inner()) = Vec::new();
            eprintln!(
                "已生成 {files} 个文件，用时 {:.2} 秒",
                started.elapsed().as_secs_f64()
            );
            state.bump();
            true
        }
        Outcome::Failed(diags, why) => {
            crate::cmd::print_human(&diags, true);
            eprintln!("{why}；继续提供上一次成功的版本");
            *state.errors.write().unwrap_or_else(|e| e.into_inner()) = diags;
            state.bump();
            false
        }
        Outcome::Io(msg) => {
            eprintln!("错误：{msg}");
            false
        }
    }
}

pub fn run(opts: ServeOptions) -> u8 {
    if !opts.site.is_dir() {
        eprintln!("错误：站点目录不存在：{}", opts.site.display());
        return crate::cmd::USAGE_ERROR;
    }
    let out = out_dir(&opts.site);
    let build = BuildOptions {
        site: opts.site.clone(),
        out: Some(out.clone()),
        date: opts.date,
        drafts: opts.drafts,
        verbose: false,
        engine: false,
        static_search: false,
    };
    let state = Arc::new(State::new(out.clone()));
    // The watch starts before the first build: a file saved meanwhile is
    // built next. (The cache directory is made first, so that making it is
    // no change.)
    if let Some(parent) = out.parent() {
        let _ = std::fs::create_dir_all(parent);
    }
    let watcher = watch::begin(&opts.site);
    rebuild(&build, &state);
    let listener = match TcpListener::bind((opts.bind.as_str(), opts.port)) {
        Ok(l) => l,
        Err(e) => {
            eprintln!("错误：无法监听 {}:{}：{e}", opts.bind, opts.port);
            return crate::cmd::USAGE_ERROR;
        }
    };
    let addr = listener
        .local_addr()
        .map(|a| a.to_string())
        .unwrap_or_default();
    eprintln!("预览地址：http://{addr}/  （Ctrl+C 退出）");
    if opts.drafts {
        eprintln!("包含草稿和定时发布的记录，仅供内部预览");
    }
    let watcher_state = Arc::clone(&state);
    std::thread::spawn(move || watch::watch(watcher, &build, &watcher_state));
    http::serve(listener, state);
    crate::cmd::OK
}
