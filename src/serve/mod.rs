//! `gongshi serve`: local preview with live reload, and the search API.
//!
//! Loads, checks and publishes the site in memory ([`snapshot`]) and
//! renders each page when it is asked for; serves it on 127.0.0.1 (unless
//! told otherwise), watches `content/`, `templates/`, `theme/` and makes a
//! new snapshot on a change. A failed rebuild keeps the last good site
//! online and shows its errors in the terminal and over the open pages.
//! Open data, feeds and report sheets are written to
//! `SITE/.gongshi-cache/serve-<pid>` on their first request after a change.
//! `/api/search?q=…` answers with the tantivy index, same semantics as the
//! site's search.

mod files;
mod http;
mod live;
pub mod snapshot;

pub use files::site_file;
mod watch;

use crate::diag::Diagnostic;
use crate::pipeline::BuildOptions;
use crate::search::engine::Engine;
use snapshot::Snapshot;
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, RwLock};

pub struct ServeOptions {
    pub site: PathBuf,
    pub bind: String,
    pub port: u16,
    pub drafts: bool,
    pub date: chrono::NaiveDate,
    /// Print the time of each stage of every build.
    pub verbose: bool,
}

/// What the server shows: the last good snapshot, and the last errors.
pub struct State {
    /// Where the files that are not pages (open data, feeds, report
    /// sheets) are written, on their first request after a change.
    pub root: PathBuf,
    pub snapshot: RwLock<Option<Arc<Snapshot>>>,
    /// A snapshot whose files are not written yet.
    pub files_pending: Mutex<Option<Arc<Snapshot>>>,
    pub engine: RwLock<Option<Engine>>,
    /// A snapshot whose tantivy index is not built yet: the API builds it on
    /// its first request, so an edit is shown without waiting for an index
    /// nobody may query.
    pub pending: Mutex<Option<Arc<Snapshot>>>,
    /// The same for the static index of `search.html`, written beside the
    /// preview (in `search_root`) on the first request under `/search/`.
    pub search_pending: Mutex<Option<Arc<Snapshot>>>,
    /// Where that index is, and its manifest (`search/index.HASH.json`).
    pub search_root: PathBuf,
    pub search_manifest: RwLock<Option<String>>,
    pub generation: Mutex<u64>,
    /// Each new generation, for the open pages' event streams.
    pub generations: tokio::sync::watch::Sender<u64>,
    pub errors: RwLock<Vec<Diagnostic>>,
    /// The records of the files as last read: a save reads one file again,
    /// not the whole site.
    pub loaded: Mutex<crate::content::LoadCache>,
}

impl State {
    pub fn new(root: PathBuf) -> State {
        let search_root = search_dir(&root);
        State {
            root,
            snapshot: RwLock::new(None),
            files_pending: Mutex::new(None),
            engine: RwLock::new(None),
            pending: Mutex::new(None),
            search_pending: Mutex::new(None),
            search_root,
            search_manifest: RwLock::new(None),
            generation: Mutex::new(0),
            generations: tokio::sync::watch::Sender::new(0),
            errors: RwLock::new(Vec::new()),
            loaded: Mutex::new(crate::content::LoadCache::default()),
        }
    }
    fn bump(&self) {
        let mut g = self.generation.lock().unwrap_or_else(|e| e.into_inner());
        *g += 1;
        self.generations.send_replace(*g);
    }

    /// The snapshot being served.
    pub fn current(&self) -> Option<Arc<Snapshot>> {
        self.snapshot
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }

    /// The search engine of the last good build, built now if needed.
    pub fn engine(&self) -> std::sync::RwLockReadGuard<'_, Option<Engine>> {
        // Requests that arrive while it is built wait here for it.
        let mut pending = self.pending.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(snapshot) = pending.take() {
            let docs = snapshot.docs();
            match Engine::build(&docs) {
                Ok(e) => {
                    let e = e.ranked_as_the_site(docs);
                    *self.engine.write().unwrap_or_else(|e| e.into_inner()) = Some(e);
                }
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
        if let Some(snapshot) = pending.take() {
            let docs = snapshot.docs();
            let split = crate::search::tiers::split(&docs, snapshot.public().date);
            // Scanned like the site itself: a finding leaves search.html
            // without an index (and `build` refuses the site anyway).
            let name = crate::output::Staging::begin(
                &self.search_root,
                snapshot.scanner().clone(),
                snapshot.allowed().clone(),
            )
            .ok()
            .and_then(|staging| {
                let name = crate::search::tiers::write(
                    &docs,
                    split,
                    crate::search::tiers::Lists::SITE,
                    &staging,
                );
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

    /// Write the files of the last good build that are not pages (open
    /// data, feeds, sitemap, report sheets) if they are not written yet.
    pub fn files(&self) {
        let mut pending = self.files_pending.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(snapshot) = pending.take() {
            let cache = crate::output::cache::PageCache::load(&self.root);
            let staging = match crate::output::Staging::begin(
                &self.root,
                snapshot.scanner().clone(),
                snapshot.allowed().clone(),
            ) {
                Ok(s) => s,
                Err(e) => {
                    eprintln!("警告：预览的数据文件写入失败：{e}");
                    return;
                }
            };
            crate::pipeline::write_files(snapshot.public(), &staging, &cache);
            match staging.commit() {
                Ok(()) => cache.save(),
                // Not reached for content that passed the scan of its
                // fields; shown like any error if it is.
                Err(crate::output::CommitError::Privacy(diags)) => {
                    crate::diag::print_human(&diags, true);
                    *self.errors.write().unwrap_or_else(|e| e.into_inner()) = diags;
                    self.bump();
                }
                Err(crate::output::CommitError::Io(e)) => {
                    eprintln!("警告：预览的数据文件写入失败：{e}");
                }
            }
        }
    }
}

/// Where this preview writes its open data, feeds and sheets: a
/// directory of its own process (`serve-<pid>`, its search index beside
/// it as `serve-<pid>-search`), so that two previews of one site (one of
/// them `--public`) never serve each other's files. Those of previews no
/// longer running are cleared away when one starts.
pub fn out_dir(site: &Path) -> PathBuf {
    site.join(crate::content::kept::DIR)
        .join(format!("serve-{}", std::process::id()))
}

/// The static search index of the preview whose files are in `out`.
fn search_dir(out: &Path) -> PathBuf {
    let name = out
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    out.with_file_name(format!("{name}-search"))
}

/// Remove the directories of previews whose process has ended.
fn clear_stale(site: &Path) {
    let dir = site.join(crate::content::kept::DIR);
    let Ok(entries) = std::fs::read_dir(&dir) else {
        return;
    };
    for e in entries.flatten() {
        let name = e.file_name().to_string_lossy().into_owned();
        // The one shared directory of earlier versions.
        if name == "serve" && e.path().join(crate::output::MARKER).is_file() {
            let _ = std::fs::remove_dir_all(e.path());
            continue;
        }
        // A preview's directories (`serve-<pid>`, `serve-<pid>-search`),
        // and what is kept beside them (`.serve-<pid>.pages.json`,
        // `.serve-<pid>-search.search-kept/`).
        let (rest, beside) = match name.strip_prefix(".serve-") {
            Some(r) => match r.split_once('.') {
                Some((owner, _)) => (owner, true),
                None => continue,
            },
            None => match name.strip_prefix("serve-") {
                Some(r) => (r, false),
                None => continue,
            },
        };
        let pid = rest.strip_suffix("-search").unwrap_or(rest);
        let Ok(pid) = pid.parse::<u32>() else {
            // The shared directories of earlier versions.
            if rest == "search" && !beside {
                let _ = std::fs::remove_dir_all(e.path());
            }
            continue;
        };
        let alive = crate::base::running(pid);
        let ours =
            beside || e.path().join(crate::output::MARKER).is_file() || rest.ends_with("-search");
        if !alive && ours && cfg!(target_os = "linux") {
            let path = e.path();
            let _ = if path.is_dir() && !path.is_symlink() {
                std::fs::remove_dir_all(&path)
            } else {
                std::fs::remove_file(&path)
            };
        }
    }
}

/// Make the calling thread yield to every other (a thread's own nice
/// value, on Linux); elsewhere nothing.
fn lower_priority() {
    #[cfg(target_os = "linux")]
    // SAFETY: setpriority has no memory effects; on Linux, `who` 0 with
    // PRIO_PROCESS names the calling thread.
    unsafe {
        libc::setpriority(libc::PRIO_PROCESS, 0, 19);
    }
}

/// Build once and update the state; returns whether it succeeded.
pub fn rebuild(opts: &BuildOptions, state: &State) -> bool {
    let started = std::time::Instant::now();
    let mut loaded = state.loaded.lock().unwrap_or_else(|e| e.into_inner());
    let previous = state.current();
    match Snapshot::build(opts, &mut loaded, previous.as_deref()) {
        Ok(snapshot) => {
            crate::diag::print_human(&snapshot.warnings, true);
            let pages = snapshot.public().pages().count();
            let snapshot = Arc::new(snapshot);
            let set = |slot: &Mutex<Option<Arc<Snapshot>>>| {
                *slot.lock().unwrap_or_else(|e| e.into_inner()) = Some(snapshot.clone());
            };
            set(&state.files_pending);
            set(&state.pending);
            set(&state.search_pending);
            *state.snapshot.write().unwrap_or_else(|e| e.into_inner()) = Some(snapshot.clone());
            *state.errors.write().unwrap_or_else(|e| e.into_inner()) = Vec::new();
            eprintln!(
                "预览已更新：{pages} 条记录，用时 {:.2} 秒",
                started.elapsed().as_secs_f64()
            );
            state.bump();
            // The previous snapshot is freed aside, so that the next save
            // does not wait for it, and the new one's map of pages made
            // there. Open pages update within about a tenth of a second,
            // and a browser on two cores slows down by a third when this
            // runs beside it, even at the lowest priority: it waits for
            // them. The map is made at the usual priority, for a request
            // that needs it meanwhile waits for it, and only if the
            // snapshot is still in use.
            let fresh = Arc::downgrade(&snapshot);
            std::thread::spawn(move || {
                std::thread::sleep(std::time::Duration::from_millis(250));
                if let Some(s) = fresh.upgrade() {
                    s.warm();
                }
                lower_priority();
                drop(previous);
            });
            true
        }
        Err((diags, why)) => {
            crate::diag::print_human(&diags, true);
            let served = state
                .snapshot
                .read()
                .unwrap_or_else(|e| e.into_inner())
                .is_some();
            if served {
                eprintln!("{why}；继续提供上一次成功的版本");
            } else {
                eprintln!("{why}；改正后预览会自动生成，在此之前页面显示这些错误");
            }
            *state.errors.write().unwrap_or_else(|e| e.into_inner()) = diags;
            state.bump();
            false
        }
    }
}

/// Serve the preview until the process ends; an error (in words) if it
/// cannot start.
pub fn run(opts: ServeOptions) -> Result<(), String> {
    if !opts.site.is_dir() {
        return Err(format!("站点目录不存在：{}", opts.site.display()));
    }
    // The preview's caches obey the rules of any output directory.
    clear_stale(&opts.site);
    let out = out_dir(&opts.site);
    let checked = [out.clone(), search_dir(&out)]
        .iter()
        .map(|d| crate::output::check_out_dir(&opts.site, d))
        .collect::<Result<Vec<_>, _>>();
    let out = checked?[0].clone();
    // And it stays inside the site: a .gongshi-cache that links elsewhere
    // would write there.
    if !out.starts_with(crate::output::paths::resolve(&opts.site)) {
        return Err(format!(
            "预览缓存目录指向站点目录之外（{}），已拒绝",
            out.display()
        ));
    }
    let build = BuildOptions {
        site: opts.site.clone(),
        out: None,
        date: opts.date,
        drafts: opts.drafts,
        verbose: opts.verbose,
        engine: false,
        static_search: false,
        search_apart_above: crate::pipeline::SEARCH_APART_ABOVE,
    };
    // The port first: a port in use is said at once, not after a build.
    let listener = TcpListener::bind((opts.bind.as_str(), opts.port)).map_err(|e| {
        let why = if e.kind() == std::io::ErrorKind::AddrInUse {
            "端口已被占用（可能另一个预览正在运行）；请用 --port 换一个端口".to_string()
        } else {
            crate::diag::io_reason(&e)
        };
        format!("无法监听 {}:{}：{why}", opts.bind, opts.port)
    })?;
    let state = Arc::new(State::new(out.clone()));
    // The watch starts before the first build: a file saved meanwhile is
    // built next. (The cache directory is made first, so that making it is
    // no change.)
    if let Some(parent) = out.parent() {
        let _ = std::fs::create_dir_all(parent);
    }
    let watcher = watch::begin(&opts.site);
    rebuild(&build, &state);
    let addr = listener
        .local_addr()
        .map(|a| a.to_string())
        .unwrap_or_default();
    eprintln!("预览地址：http://{addr}/  （Ctrl+C 退出）");
    if opts.drafts {
        eprintln!(
            "预览包含草稿和定时发布的记录（页面上有标记）；只看 build 会公开的内容请加 --public"
        );
    } else {
        eprintln!("只显示 {} 会公开的内容（--public）", opts.date);
    }
    let watcher_state = Arc::clone(&state);
    std::thread::spawn(move || watch::watch(watcher, &build, &watcher_state));
    http::serve(listener, state).map_err(|e| format!("预览服务无法运行：{e}"))
}
