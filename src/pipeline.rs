//! The one run of the stages, shared by `build`, `check` and `serve`:
//! load → check → publish on a date → render, search, export and reports →
//! output. `build` writes the site; `check` runs every stage and writes
//! nothing, so it fails exactly when `build` would; `serve` keeps the public
//! view in memory and renders pages on request from the same parts.

use crate::diag::Diagnostic;
use crate::output::{CommitError, EngineDir, Staging, short_hash};
use crate::publish::PublicSite;
use crate::render::{self, Assets};
use chrono::NaiveDate;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Instant;

pub struct BuildOptions {
    pub site: PathBuf,
    pub out: Option<PathBuf>,
    pub date: NaiveDate,
    pub drafts: bool,
    pub verbose: bool,
    /// Also write the tantivy index beside the output (`build`: yes;
    /// `serve` keeps its own in memory).
    pub engine: bool,
    /// Write the static search index into the output (`build`: yes;
    /// `serve` builds it on the first request for it, see
    /// [`LAZY_SEARCH_INDEX`]).
    pub static_search: bool,
    /// Above this many records, the search indexes are built after the
    /// pages, with the records freed ([`SEARCH_APART_ABOVE`]).
    pub search_apart_above: usize,
}

/// The manifest URL that `search.html` is given when the static index is
/// not written with the site: the preview server answers it.
pub const LAZY_SEARCH_INDEX: &str = "search/index.json";

/// The built-in theme files, by name; a site's `theme/NAME` replaces one.
pub const THEME: &[(&str, &[u8])] = &[
    ("style.css", include_bytes!("../theme/style.css")),
    ("search.js", include_bytes!("../theme/search.js")),
    ("a11y.js", include_bytes!("../theme/a11y.js")),
    ("favicon.svg", include_bytes!("../theme/favicon.svg")),
];

/// The icon that browsers ask for at the site's root, for those that do not
/// read the SVG one; a site's `theme/favicon.ico` replaces it.
const FAVICON_ICO: &[u8] = include_bytes!("../theme/favicon.ico");

/// A theme file: the site's own (only from inside the site, see
/// [`crate::content::inputs`]) or the built-in one.
pub fn theme_file(site: &Path, name: &str) -> Vec<u8> {
    let own = crate::content::inputs::read(site, &site.join("theme").join(name));
    own.ok()
        .flatten()
        .unwrap_or_else(|| builtin_theme_file(name).unwrap_or_default().to_vec())
}

/// A built-in theme file as the site publishes it (compacted once per
/// process: the preview compares with it on every page it serves).
pub fn builtin_theme_file(name: &str) -> Option<&'static [u8]> {
    static COMPACTED: std::sync::OnceLock<Vec<(&str, Vec<u8>)>> = std::sync::OnceLock::new();
    COMPACTED
        .get_or_init(|| THEME.iter().map(|(n, b)| (*n, compact(n, b))).collect())
        .iter()
        .find(|(n, _)| *n == name)
        .map(|(_, b)| b.as_slice())
}

/// A built-in script or style sheet as visitors download it: without its
/// comment lines, indentation and blank lines (about a fifth less after
/// gzip for search.js). A site's own files are published as they are.
fn compact(name: &str, bytes: &[u8]) -> Vec<u8> {
    let Ok(text) = std::str::from_utf8(bytes) else {
        return bytes.to_vec();
    };
    let css;
    let text = if name.ends_with(".css") {
        // No string of the built-in sheet holds a comment's delimiters.
        let mut out = String::with_capacity(text.len());
        let mut rest = text;
        while let Some(i) = rest.find("/*") {
            out.push_str(&rest[..i]);
            rest = rest[i..].find("*/").map_or("", |j| &rest[i + j + 2..]);
        }
        out.push_str(rest);
        css = out;
        css.as_str()
    } else if name.ends_with(".js") {
        text
    } else {
        return bytes.to_vec();
    };
    let mut out = String::with_capacity(text.len());
    for line in text.lines().map(str::trim_start) {
        // Whole-line comments only: the built-in scripts have no template
        // literals, so no line of theirs starts inside a string.
        if line.is_empty() || (name.ends_with(".js") && line.starts_with("//")) {
            continue;
        }
        out.push_str(line);
        out.push('\n');
    }
    out.into_bytes()
}

/// Stage timings with `-v`; on a terminal, a one-line progress display
/// (silent when the output is piped or logged).
pub struct Timer {
    verbose: bool,
    progress: bool,
    stages: usize,
    done: usize,
    last: Instant,
}

impl Drop for Timer {
    /// A build that stops early clears its progress line before the errors.
    fn drop(&mut self) {
        if self.progress && !self.verbose && self.done < self.stages && self.done > 0 {
            eprint!("\r\x1b[K");
        }
    }
}

impl Timer {
    /// A timer for a run of `stages` stages.
    pub fn new(verbose: bool, stages: usize) -> Timer {
        Timer {
            verbose,
            progress: std::io::IsTerminal::is_terminal(&std::io::stderr()),
            stages,
            done: 0,
            last: Instant::now(),
        }
    }

    pub fn stage(&mut self, name: &str) {
        self.done += 1;
        let stages = self.stages;
        if self.progress && !self.verbose {
            let width = 20;
            let filled = width * self.done.min(stages) / stages;
            eprint!(
                "\r\x1b[K生成中 [{}{}] {}/{} {name}",
                "#".repeat(filled),
                "-".repeat(width - filled),
                self.done.min(stages),
                stages
            );
            if self.done >= stages {
                eprint!("\r\x1b[K");
            }
        }
        if self.verbose {
            let now = Instant::now();
            eprint!(
                "  {name:<12} {:>8.1} ms",
                (now - self.last).as_secs_f64() * 1000.0
            );
            match peak_memory_mb() {
                Some(mb) => eprintln!("  内存峰值 {mb} MB"),
                None => eprintln!(),
            }
            self.last = now;
        }
    }
}

/// How long the parts of a stage took, each on its own (parts run side by
/// side, so they add up to more than the stage): shown under the stage
/// with `-v`.
#[derive(Default)]
pub struct Parts(std::sync::Mutex<Vec<(&'static str, std::time::Duration)>>);

impl Parts {
    /// Run `f` as the part `name`.
    pub fn time<R>(&self, name: &'static str, f: impl FnOnce() -> R) -> R {
        let start = Instant::now();
        let r = f();
        let spent = start.elapsed();
        self.0
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .push((name, spent));
        r
    }

    /// The parts in the order they finished, as one line.
    fn line(&self) -> String {
        let parts = self.0.lock().unwrap_or_else(|e| e.into_inner());
        let each: Vec<String> = parts
            .iter()
            .map(|(name, d)| format!("{name} {:.1} ms", d.as_secs_f64() * 1000.0))
            .collect();
        format!("    其中（同时进行）：{}", each.join("，"))
    }
}

/// The peak resident memory of this process so far, where the system
/// tells it (Linux).
fn peak_memory_mb() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kb: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb / 1024)
}

/// How a build ended.
pub enum Outcome {
    /// Written; the warnings, file count and bytes.
    Built {
        warnings: Vec<Diagnostic>,
        files: usize,
        bytes: u64,
    },
    /// Content, template or privacy problems: nothing written.
    Failed(Vec<Diagnostic>, &'static str),
    /// The output could not be written.
    Io(String),
}

/// The numbers the output may show ([`crate::output::Allowed`]): what may
/// read as one in the parties' 统一社会信用代码
/// ([`crate::privacy::party_code_numbers`]), anywhere; and those each
/// record's 隐私例外 accept (a draft's accept nothing), on its own page,
/// the pages of the records it is linked with, and the files that gather
/// many records.
pub fn allowed_numbers(
    content: &crate::content::Content,
    public: &crate::publish::PublicSite,
) -> crate::output::Allowed {
    use crate::content::model::Status;
    let codes = content
        .records
        .iter()
        .filter(|r| r.meta.status != Status::Draft)
        .filter_map(|r| r.party().and_then(|p| p.code.as_deref()))
        .flat_map(crate::privacy::party_code_numbers)
        .collect();
    let source_of_url: std::collections::HashMap<&str, &str> = public
        .pages()
        .map(|r| (r.url.as_str(), r.source.as_str()))
        .collect();
    let records: Vec<(String, Vec<String>, Vec<String>)> = public
        .pages()
        .map(|r| {
            let shown = r
                .related
                .iter()
                .chain(&r.referenced_by)
                .filter_map(|l| source_of_url.get(l.url.as_str()))
                .map(|s| s.to_string())
                .collect();
            let own = if r.meta.status == Status::Draft {
                Vec::new()
            } else {
                r.meta.privacy_used.clone()
            };
            (r.source.clone(), own, shown)
        })
        .collect();
    crate::output::Allowed::new(codes, &records)
}

/// The whole pipeline: load → check → publish → render/search/export →
/// output. Nothing is written unless everything succeeded; with no
/// output directory (`check`), nothing is written at all, but every file
/// is made and scanned as a build would.
pub fn build_site(opts: &BuildOptions, out: Option<&Path>) -> Outcome {
    let mut t = Timer::new(opts.verbose, 5);
    let (content, diags) = crate::content::load_kept(&opts.site, out.is_some());
    t.stage("读取");
    if opts.verbose {
        let (reused, parsed, unread) = content.kept;
        eprintln!(
            "    其中：沿用上次读取的记录文件 {reused} 个，重新解析 {parsed} 个；\
             {unread} 个早已改定、只核对了文件属性，未重新读取"
        );
    }
    let (scanner, env, diags) = match check(opts, &content, diags) {
        Ok(checked) => checked,
        Err(failed) => return failed,
    };
    t.stage("检查");
    let (public, warnings) = match public_view(opts, &content, &env, &scanner, diags) {
        Ok(made) => made,
        Err(failed) => return failed,
    };
    t.stage("发布视图");
    let allowed = allowed_numbers(&content, &public);
    let base_url = &content.site.info.base_url;
    let staging = match out {
        Some(out) => match Staging::begin(out, scanner, allowed)
            .and_then(|s| if opts.drafts { s.preview() } else { Ok(s) })
        {
            Ok(s) => s.with_links(base_url),
            Err(e) => {
                return Outcome::Io(format!("无法创建临时输出目录：{e}；输出目录未改动"));
            }
        },
        None => Staging::dry(scanner, allowed).with_links(base_url),
    };
    let cache = crate::output::cache::PageCache::load(out.unwrap_or(Path::new("")));
    let engine_out = out.filter(|_| opts.engine);
    let parts = Parts::default();
    let (searched, template_errors) =
        make(opts, &env, &public, &staging, &cache, engine_out, &parts);
    let engine = match searched {
        Searched::Done(engine) => engine,
        Searched::Later(job) => {
            // The indexes need only their documents: the records and
            // their public view are freed first (the records on a thread
            // of their own, half a second at 200,000 records, while the
            // indexes are built).
            drop(public);
            let freeing = std::thread::spawn(move || drop(content));
            let engine = job.run(&staging, engine_out, &parts);
            let _ = freeing.join();
            engine
        }
    };
    t.stage("页面、数据、索引");
    if opts.verbose {
        eprintln!("{}", parts.line());
    }
    let outcome = commit(staging, engine, template_errors, warnings);
    if out.is_some() && matches!(outcome, Outcome::Built { .. }) {
        cache.save();
        if opts.verbose {
            use std::sync::atomic::Ordering;
            eprintln!(
                "  页面与报表：重新生成 {}，沿用 {}",
                cache.rendered.load(Ordering::Relaxed),
                cache.reused.load(Ordering::Relaxed)
            );
        }
    }
    t.stage("写入");
    outcome
}

/// The public view on the build date, and the warnings so far; or the
/// failed build, if a page of a record not public yet shows a personal
/// number ([`unpublished_pages`]). Those pages are made and scanned while
/// the public view is made: they need the same records, not the view. On
/// a large site one after the other: each makes a view of its own, and two
/// at once would raise the peak of memory.
fn public_view<'c>(
    opts: &BuildOptions,
    content: &'c crate::content::Content,
    env: &minijinja::Environment<'static>,
    scanner: &crate::privacy::Scanner,
    mut diags: crate::diag::Diagnostics,
) -> Result<(PublicSite<'c>, Vec<Diagnostic>), Outcome> {
    let public = crate::publish::publish(content, opts.date, opts.drafts);
    // The records public today are made once: the view with the others
    // takes them from this one.
    let unpublished = unpublished_pages(opts, content, env, scanner, &public);
    unpublished.into_iter().for_each(|d| diags.push_diag(d));
    if diags.has_errors() {
        return Err(Outcome::Failed(diags.sorted(), "构建失败：输出目录未改动"));
    }
    Ok((public, diags.sorted()))
}

/// The check stage: the rules, the inputs, the private values in records
/// and site files, and the templates. Its warnings, or the failed build.
/// (The pages of records not public yet are scanned after it,
/// [`unpublished_pages`].)
fn check(
    opts: &BuildOptions,
    content: &crate::content::Content,
    mut diags: crate::diag::Diagnostics,
) -> Result<
    (
        crate::privacy::Scanner,
        minijinja::Environment<'static>,
        crate::diag::Diagnostics,
    ),
    Outcome,
> {
    let site = &opts.site;
    crate::check::check(content, &mut diags);
    crate::check::plausibility(content, opts.date, &mut diags);
    for d in crate::content::inputs::check(site) {
        diags.push_diag(d);
    }
    let scanner = crate::check::privacy::scanner(content);
    for d in crate::check::privacy::records(content, &scanner, |_| true) {
        diags.push_diag(d);
    }
    for d in crate::check::privacy::site_files(site, &scanner) {
        diags.push_diag(d);
    }
    let env = match render::environment(site) {
        Ok(env) => Some(env),
        Err(errs) => {
            errs.into_iter().for_each(|d| diags.push_diag(d));
            None
        }
    };
    if diags.has_errors() {
        return Err(Outcome::Failed(diags.sorted(), "构建失败：输出目录未改动"));
    }
    let Some(env) = env else {
        return Err(Outcome::Failed(
            diags.sorted(),
            "构建失败：模板出错，输出目录未改动",
        ));
    };
    Ok((scanner, env, diags))
}

/// The pages of the records not public on the build date (drafts, and
/// records dated later), made as they will be and scanned as a build
/// scans its output: a personal number that their fields and the
/// templates put together is an error today, not on the day the record
/// would go public (the contract's rules hold for every record whatever
/// its date and status). Nothing when there are none, or when the build
/// shows them anyway (`--drafts`, whose output is scanned).
fn unpublished_pages(
    opts: &BuildOptions,
    content: &crate::content::Content,
    env: &minijinja::Environment<'static>,
    scanner: &crate::privacy::Scanner,
    public: &PublicSite,
) -> Vec<Diagnostic> {
    use crate::content::model::Status;
    let pending = content.records.iter().any(|r| {
        r.meta.status == Status::Draft
            || (r.meta.status == Status::Published && r.meta.published > opts.date)
    });
    if opts.drafts || !pending {
        return Vec::new();
    }
    let preview = crate::publish::publish_after(content, opts.date, true, Some(public));
    let staging = Staging::dry(scanner.clone(), allowed_numbers(content, &preview));
    let (assets, _) = theme_assets(&opts.site);
    let renderer = render::Renderer::new(env, &preview, &assets, minijinja::Value::UNDEFINED);
    let pages: Vec<(render::PageRef, &str)> = render::page_refs(&preview)
        .into_iter()
        .filter_map(|page| {
            let render::PageRef::Record(i) = page else {
                return None;
            };
            let r = preview.page(i).filter(|r| r.preview.is_some())?;
            Some((page, r.source.as_str()))
        })
        .collect();
    use rayon::prelude::*;
    pages.par_iter().for_each(|(page, source)| {
        // A template's error is the build's to report, on the page as
        // it will be published.
        if let Some((out, Ok(html))) = renderer.page(&preview, page) {
            staging.write(&out, html.as_bytes(), Some(source));
        }
    });
    staging.findings()
}

/// Every file of the site into `staging` but, on a large site, its search
/// indexes, which are then left to [`Searched::Later`]; the template errors.
/// How long each part took goes to `parts`.
fn make(
    opts: &BuildOptions,
    env: &minijinja::Environment<'static>,
    public: &PublicSite,
    staging: &Staging,
    cache: &crate::output::cache::PageCache,
    engine_out: Option<&Path>,
    parts: &Parts,
) -> (Searched, Vec<Diagnostic>) {
    let assets = write_assets(&opts.site, staging);
    let extra = figures(public);
    let render = |which, index: &str| {
        let extra = (extra.clone(), index);
        render::render_all(env, public, &assets, extra, staging, which, cache)
    };
    let pages = || {
        let (errors, ()) = rayon::join(
            || parts.time("页面", || render(render::Pages::AllButSearch, "")),
            || {
                parts.time("开放数据与报表", || {
                    write_files(public, staging, cache)
                })
            },
        );
        errors
    };
    // The search indexes planned, and search.html rendered with the name
    // of the static index's manifest.
    let planned = || {
        let job = search_job(opts, public, staging, engine_out);
        let index = job
            .plan
            .as_ref()
            .map_or(LAZY_SEARCH_INDEX, |p| p.manifest());
        let errors = render(render::Pages::SearchOnly, index);
        (job, errors)
    };
    // The search indexes are built while the pages, data and reports are
    // written: their merge is sequential and would leave a core idle. A
    // large site has its pages written first, and its indexes built once
    // its records are freed ([`build_site`]): the two together would hold
    // the memory of both.
    if public.records.len() > opts.search_apart_above {
        let (job, search_page) = planned();
        let mut errors = pages();
        errors.extend(search_page);
        (Searched::Later(job), errors)
    } else {
        let ((engine, search_page), mut errors) = rayon::join(
            || {
                let (job, errors) = planned();
                (job.run(staging, engine_out, parts), errors)
            },
            pages,
        );
        errors.extend(search_page);
        (Searched::Done(engine), errors)
    }
}

/// Above this many records, the search indexes are built after the pages,
/// once the records are freed ([`make`]): a smaller site builds them while
/// its pages are written, which is faster, and holds the memory of both.
pub const SEARCH_APART_ABOVE: usize = 50_000;

/// The search indexes of a site, before they are built: the static index
/// planned (its manifest's name is known), and the documents the tantivy
/// index is built from. They need nothing of the records but these.
struct SearchJob {
    plan: Option<crate::search::tiers::Plan>,
    docs: Option<Arc<Vec<crate::search::SearchDoc>>>,
    /// The documents' hashes (`Engine::doc_hashes`), if the tantivy index
    /// is built, and the documents of the index beside the previous output.
    hashes: Vec<[u8; 16]>,
    previous: Option<Vec<IndexedDoc>>,
}

/// Whether the search indexes are built ([`make`]): the tantivy index's
/// directory, if one is built; or the job, left to run later.
enum Searched {
    Done(Option<Result<EngineDir, String>>),
    Later(SearchJob),
}

/// The search indexes to build: the static one if the site has it, and
/// the documents of the tantivy one if `engine`. What they hold is
/// scanned like the site's pages.
fn search_job(
    opts: &BuildOptions,
    public: &PublicSite,
    staging: &Staging,
    engine_out: Option<&Path>,
) -> SearchJob {
    let engine = engine_out.is_some();
    if !opts.static_search && !engine {
        return SearchJob {
            plan: None,
            docs: None,
            hashes: Vec::new(),
            previous: None,
        };
    }
    let docs = Arc::new(crate::search::index::documents(public));
    // The documents found clean by the same scan for the index beside the
    // previous output are not scanned again.
    let hashes = match engine {
        true => crate::search::engine::Engine::doc_hashes(&docs),
        false => Vec::new(),
    };
    let previous = engine_out.and_then(EngineDir::previous_docs);
    let clean = match (engine_out, staging.scan_stamp(), &previous) {
        (Some(out), Some(stamp), Some(docs)) if EngineDir::scanned(out, stamp) => docs.as_slice(),
        _ => &[],
    };
    scan_documents(staging, public, &docs, (&hashes, clean));
    let plan = opts.static_search.then(|| {
        let split = crate::search::tiers::split(&docs, public.date);
        crate::search::tiers::Plan::new(docs.clone(), split, crate::search::tiers::Lists::SITE)
    });
    SearchJob {
        plan,
        docs: engine.then_some(docs),
        hashes,
        previous,
    }
}

impl SearchJob {
    /// Build the indexes: the static one into `staging`, the tantivy one
    /// (at the same time) beside `engine_out`.
    fn run(
        self,
        staging: &Staging,
        engine_out: Option<&Path>,
        parts: &Parts,
    ) -> Option<Result<EngineDir, String>> {
        let SearchJob {
            plan,
            docs,
            hashes,
            previous,
        } = self;
        let (_, engine) = rayon::join(
            || plan.map(|p| parts.time("静态搜索索引", || p.write(staging))),
            || {
                let (out, docs) = engine_out.zip(docs)?;
                Some(parts.time("服务端搜索索引", || {
                    build_engine(out, &docs, hashes, previous)
                }))
            },
        );
        engine
    }
}

/// The output stage: the staging committed (or, for `check`, its findings
/// read), then the tantivy index put in place. A tantivy index built for a
/// site that is not published is discarded.
fn commit(
    staging: Staging,
    engine: Option<Result<EngineDir, String>>,
    template_errors: Vec<Diagnostic>,
    warnings: Vec<Diagnostic>,
) -> Outcome {
    let discard = |engine: Option<Result<EngineDir, String>>| {
        if let Some(Ok(dir)) = engine {
            dir.discard();
        }
    };
    if !template_errors.is_empty() {
        discard(engine);
        return Outcome::Failed(template_errors, "构建失败：模板出错，输出目录未改动");
    }
    let files = staging.files();
    let bytes = staging.bytes();
    let scanned = staging.scan_stamp().map(str::to_string);
    match staging.commit() {
        Ok(()) => {}
        Err(CommitError::Privacy(findings)) => {
            discard(engine);
            return Outcome::Failed(
                findings,
                "构建失败：输出中发现个人隐私信息或失效链接，输出目录未改动",
            );
        }
        Err(CommitError::Io(msg)) => {
            discard(engine);
            return Outcome::Io(format!("{msg}；输出目录未改动"));
        }
    }
    if let Some(engine) = engine
        && let Err(e) = engine.and_then(|dir| dir.commit(scanned.as_deref()))
    {
        eprintln!("警告：未能写入服务端搜索索引：{e}");
    }
    Outcome::Built {
        warnings,
        files,
        bytes,
    }
}

use crate::output::IndexedDoc;
pub use crate::output::engine_dir;

/// Scan the documents of the search indexes as values: the server-side
/// index answers with their text. Those of `hashes` ([`Engine::doc_hashes`],
/// one for each document but the gaps, if known) that are in `clean`
/// (sorted by hash) were found clean by the same scan before, and are not
/// scanned again.
///
/// [`Engine::doc_hashes`]: crate::search::engine::Engine::doc_hashes
fn scan_documents(
    staging: &Staging,
    public: &PublicSite,
    docs: &[crate::search::SearchDoc],
    (hashes, clean): (&[[u8; 16]], &[IndexedDoc]),
) {
    use rayon::prelude::*;
    let live: Vec<&crate::search::SearchDoc> = docs.iter().filter(|d| !d.is_gap()).collect();
    let seen = |i: usize| {
        hashes
            .get(i)
            .is_some_and(|h| clean.binary_search_by(|d| d.0.cmp(h)).is_ok())
    };
    live.par_iter()
        .enumerate()
        .filter(|(i, _)| !seen(*i))
        .for_each(|(_, d)| {
            let source = public
                .position(d.kind, &d.id)
                .and_then(|i| public.page(i))
                .map(|r| r.source.as_str());
            let texts = [
                d.title.as_str(),
                d.party.as_deref().unwrap_or(""),
                &d.summary,
                &d.body,
            ]
            .into_iter()
            .chain(d.facets.iter().map(String::as_str))
            .chain(d.exact.iter().map(String::as_str));
            staging.scan_values("服务端搜索索引", texts, source);
        });
}

/// Build the tantivy index in a temporary directory beside the output; or
/// keep the previous one if it was built from the same documents; or
/// update a copy of it in place if few documents changed (`previous`, the
/// documents it holds, [`EngineDir::previous_docs`]).
fn build_engine(
    out: &Path,
    docs: &[crate::search::SearchDoc],
    hashes: Vec<[u8; 16]>,
    previous: Option<Vec<IndexedDoc>>,
) -> Result<EngineDir, String> {
    use crate::search::engine::Engine;
    let key = Engine::key(&hashes);
    if let Some(kept) = EngineDir::previous(out, &key) {
        return Ok(kept);
    }
    let dir = EngineDir::begin(out);
    if let Some((change, kept)) = previous.and_then(|old| changed(docs, &hashes, old)) {
        let updated = dir
            .copy_previous()
            .map_err(tantivy::TantivyError::from)
            .and_then(|()| Engine::update(dir.path(), &change, MOST_SEGMENTS))
            .and_then(|counts| {
                let mut all = kept;
                all.extend(change.added.iter().map(|a| a.1).zip(counts));
                Ok(dir.stamp(&key, Some(&all))?)
            });
        if updated.is_ok() {
            return Ok(dir);
        }
        dir.clear();
    }
    let created = Engine::create(dir.path(), docs, &hashes).and_then(|counts| {
        let all: Option<Vec<IndexedDoc>> = counts.map(|c| hashes.iter().copied().zip(c).collect());
        Ok(dir.stamp(&key, all.as_deref())?)
    });
    match created {
        Ok(()) => Ok(dir),
        Err(e) => {
            dir.discard();
            Err(e.to_string())
        }
    }
}

/// Small segments an index may have before an update merges them: each
/// update adds one, and a search reads them all.
const MOST_SEGMENTS: usize = 8;

/// Most documents an update of the index may add or remove: more, and it
/// is built afresh.
const MOST_CHANGED: usize = 256;

/// How the documents `docs` (whose hashes are `hashes`) differ from an
/// index of the documents `old` (sorted by hash): the change, and the old
/// documents that stay. None if nothing or too much changed.
fn changed<'d>(
    docs: &'d [crate::search::SearchDoc],
    hashes: &[[u8; 16]],
    old: Vec<IndexedDoc>,
) -> Option<(crate::search::engine::Change<'d>, Vec<IndexedDoc>)> {
    let mut order: Vec<usize> = (0..hashes.len()).collect();
    order.sort_unstable_by_key(|&i| hashes[i]);
    let (mut removed, mut kept, mut added) = (Vec::new(), Vec::new(), Vec::new());
    let mut old = old.into_iter().peekable();
    for i in order {
        while let Some(o) = old.next_if(|o| o.0 < hashes[i]) {
            removed.push(o);
        }
        match old.next_if(|o| o.0 == hashes[i]) {
            Some(o) => kept.push(o),
            None => added.push(i),
        }
    }
    removed.extend(old);
    let n = removed.len() + added.len();
    if n == 0 || n > MOST_CHANGED {
        return None;
    }
    added.sort_unstable();
    let live: Vec<&crate::search::SearchDoc> = docs.iter().filter(|d| !d.is_gap()).collect();
    let added = added.into_iter().map(|i| (live[i], hashes[i])).collect();
    Some((crate::search::engine::Change { removed, added }, kept))
}

/// Theme assets under content-hashed names.
fn write_assets(site: &Path, staging: &Staging) -> Assets {
    let (assets, files) = theme_assets(site);
    for (name, bytes) in files {
        staging.write(&name, &bytes, None);
    }
    assets
}

/// The theme's files as the site publishes them: the built-in assets (or
/// the site's own) under content-hashed names, other files of the site's
/// `theme/` (images) under theirs, all below `assets/`.
pub fn theme_assets(site: &Path) -> (Assets, Vec<(String, Vec<u8>)>) {
    let mut files = Vec::new();
    for (name, _) in THEME {
        let bytes = theme_file(site, name);
        let (stem, ext) = name.rsplit_once('.').unwrap_or((name, ""));
        files.push((format!("assets/{stem}.{}.{ext}", short_hash(&bytes)), bytes));
    }
    let assets = Assets {
        css: files[0].0.clone(),
        search_js: files[1].0.clone(),
        a11y_js: files[2].0.clone(),
        favicon: files[3].0.clone(),
    };
    let ico = crate::content::inputs::read(site, &site.join("theme").join("favicon.ico"));
    files.push((
        "favicon.ico".to_string(),
        ico.ok().flatten().unwrap_or_else(|| FAVICON_ICO.to_vec()),
    ));
    let dir = site.join("theme");
    if dir.is_dir() {
        let mut extra: Vec<_> = walkdir::WalkDir::new(&dir)
            .min_depth(1)
            .sort_by_file_name()
            .into_iter()
            .filter_map(Result::ok)
            // A link is followed only to a file inside the site
            // (crate::content::inputs::read refuses the others).
            .filter(|e| e.file_type().is_file() || e.path_is_symlink() && e.path().is_file())
            .collect();
        extra.retain(|e| {
            e.path() != dir.join("favicon.ico")
                && !THEME.iter().any(|(n, _)| e.path() == dir.join(n))
        });
        for e in extra {
            if let Ok(Some(bytes)) = crate::content::inputs::read(site, e.path()) {
                let rel = crate::content::rel(&dir, e.path());
                files.push((format!("assets/{rel}"), bytes));
            }
        }
    }
    (assets, files)
}

/// What the statistics page shows: the figures and their charts.
pub fn figures(public: &PublicSite) -> minijinja::Value {
    let stats = crate::reports::stats(public);
    let charts: std::collections::BTreeMap<&str, minijinja::Value> = crate::reports::charts(&stats)
        .into_iter()
        .map(|(k, v)| (k, minijinja::Value::from_safe_string(v)))
        .collect();
    minijinja::context! { stats => stats, charts => charts }
}

/// Everything of a site but its pages, theme and search index: open data,
/// feeds, sitemap, robots.txt and the report sheets.
pub fn write_files(
    public: &PublicSite,
    staging: &Staging,
    cache: &crate::output::cache::PageCache,
) {
    crate::export::write_all(public, &page_urls(public), staging, cache);
    crate::reports::write_sheets(public, staging, cache);
}

/// Every page of the sitemap with its date: the pages the renderer
/// writes ([`crate::render::page_refs`] and the search page), but not
/// 404.html, the withdrawal notices (`noindex`) or records that only a
/// preview shows.
fn page_urls(public: &PublicSite) -> Vec<(String, Option<NaiveDate>)> {
    use crate::render::PageRef;
    let refs = crate::render::page_refs(public);
    refs.iter()
        .chain([&PageRef::Search])
        .filter_map(|page| {
            let date = match page {
                PageRef::NotFound | PageRef::Notice(_) => return None,
                PageRef::Record(i) => {
                    let r = public.page(*i)?;
                    if r.preview.is_some() {
                        return None;
                    }
                    Some(r.published)
                }
                PageRef::Party(i) => public.parties().get(*i)?.records.first().map(|l| l.date),
                PageRef::Daily(d) => Some(*d),
                _ => None,
            };
            Some((crate::render::out_path(public, page)?, date))
        })
        .collect()
}
