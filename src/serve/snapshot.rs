//! The preview's site in memory: the loaded records, their public view on
//! the build date, the templates and the theme. A page is rendered when a
//! browser asks for it, so a save costs one file read, the checks and the
//! public view, not the 27,000 pages of a large site; the open data, feeds
//! and report sheets are written on their first request.
//!
//! A snapshot is made only from content without errors and with templates
//! that render; otherwise the previous one keeps being served.

use crate::content::{Content, LoadCache};
use crate::diag::{Diagnostic, Diagnostics};
use crate::pipeline::{BuildOptions, Timer, allowed_numbers, figures, theme_assets};
use crate::privacy::Scanner;
use crate::publish::PublicSite;
use crate::render::{Assets, FRONT, PageRef, Renderer};
use minijinja::{Environment, Value};
use std::collections::{HashMap, HashSet};
use std::sync::OnceLock;

self_cell::self_cell!(
    /// The records and their public view, which borrows them.
    struct Published {
        owner: Content,
        #[covariant]
        dependent: PublicSite,
    }
);

pub struct Snapshot {
    published: Published,
    env: Environment<'static>,
    assets: Assets,
    /// The theme's files by output path (`assets/…`).
    theme: HashMap<String, Vec<u8>>,
    /// Every page by its output path, made on first use: a record's page
    /// is found without it ([`Snapshot::record_page`]).
    pages: OnceLock<PageMap>,
    scanner: Scanner,
    /// The numbers the records' 隐私例外 accepted.
    allowed: crate::output::Allowed,
    /// The records whose public fields `scanner` found clean, by the
    /// address of their metadata. The records are shared with the load
    /// cache and stay alive as long as this snapshot, so an address here
    /// cannot be taken by a record read later.
    clean: crate::base::FastSet<usize>,
    /// What the rules of one record alone found in each record
    /// ([`crate::check::record`]), by the address of its metadata (kept
    /// alive as for `clean`).
    checked: Checked,
    /// The fingerprint of the templates.
    templates: String,
    figures: OnceLock<Value>,
    docs: OnceLock<std::sync::Arc<Vec<crate::search::SearchDoc>>>,
    pub warnings: Vec<Diagnostic>,
}

/// Each record's own findings by the address of its metadata, with the
/// site they were checked against.
#[derive(Default)]
struct Checked {
    site: String,
    by_record: crate::base::FastMap<usize, Diagnostics>,
}

/// The rules of the content format over `content`, as
/// [`crate::check::check`]; a record that the previous snapshot checked
/// against the same site (the same loaded record) is not checked again.
/// The rules across records always run.
fn check(content: &Content, previous: Option<&Snapshot>, diags: &mut Diagnostics) -> Checked {
    use rayon::prelude::*;
    let site = format!("{:?}", content.site);
    let known = previous
        .map(|p| &p.checked)
        .filter(|k| k.site == site)
        .map(|k| &k.by_record);
    let each: Vec<(usize, Diagnostics)> = content
        .records
        .par_iter()
        .map(|r| {
            let at = crate::publish::address(&r.meta);
            let found = known
                .and_then(|k| k.get(&at).cloned())
                .unwrap_or_else(|| crate::check::record(r, &content.site));
            (at, found)
        })
        .collect();
    for (_, d) in &each {
        diags.extend(d.clone());
    }
    crate::check::across(content, diags);
    Checked {
        site,
        by_record: each.into_iter().collect(),
    }
}

/// Every page by a hash of its output path (27,000 paths are not copied
/// for each snapshot); a lookup compares the path itself.
#[derive(Default)]
struct PageMap {
    by_hash: HashMap<u64, PageRef>,
    /// The pages whose hash another page had first.
    collided: Vec<(String, PageRef)>,
}

impl PageMap {
    fn new(public: &PublicSite) -> PageMap {
        let mut map = PageMap::default();
        let mut refs = crate::render::page_refs(public);
        refs.push(PageRef::Search);
        for page in refs {
            let Some(key) = crate::render::with_out_path(public, &page, path_key) else {
                continue;
            };
            match map.by_hash.entry(key) {
                std::collections::hash_map::Entry::Vacant(v) => {
                    v.insert(page);
                }
                std::collections::hash_map::Entry::Occupied(_) => {
                    if let Some(out) = crate::render::out_path(public, &page) {
                        map.collided.push((out, page));
                    }
                }
            }
        }
        map
    }
}

/// Why no snapshot was made: the diagnostics and a one-line summary.
pub type Refused = (Vec<Diagnostic>, &'static str);

/// FNV: every page's path is hashed at every update, and a collision is
/// kept apart (`collided`).
fn path_key(path: &str) -> u64 {
    use std::hash::{Hash, Hasher};
    let mut h = crate::base::FastHasher::default();
    path.hash(&mut h);
    h.finish()
}

/// The privacy pass of a preview: the scanner of the private values (the
/// previous snapshot's while they are the same: its automaton takes a
/// while), and the records found clean; or what leaks. Records the
/// previous snapshot found clean with the same scanner are not read again.
fn scan(
    opts: &BuildOptions,
    content: &Content,
    previous: Option<&Snapshot>,
) -> Result<(Scanner, crate::base::FastSet<usize>), Vec<Diagnostic>> {
    let secrets = crate::check::privacy::secrets(content);
    let scanner = match previous.filter(|p| p.scanner.secrets() == secrets.as_slice()) {
        Some(p) => p.scanner.clone(),
        None => Scanner::new(secrets),
    };
    let known = previous
        .filter(|p| p.scanner.fingerprint() == scanner.fingerprint())
        .map(|p| &p.clean);
    let mut leaks = crate::check::privacy::records(content, &scanner, |r| {
        known.is_none_or(|k| !k.contains(&crate::publish::address(&r.meta)))
    });
    leaks.extend(crate::check::privacy::site_files(&opts.site, &scanner));
    leaks.extend(crate::content::inputs::check(&opts.site));
    if !leaks.is_empty() {
        return Err(leaks);
    }
    let clean = content
        .records
        .iter()
        .map(|r| crate::publish::address(&r.meta))
        .collect();
    Ok((scanner, clean))
}

impl Snapshot {
    /// Load, check and publish the site; `previous` is the snapshot being
    /// served, whose scan results are kept for the records that did not
    /// change while the private values stay the same.
    pub fn build(
        opts: &BuildOptions,
        cache: &mut LoadCache,
        previous: Option<&Snapshot>,
    ) -> Result<Snapshot, Refused> {
        let mut t = Timer::new(opts.verbose, 3);
        let (content, mut diags) = crate::content::load_with(&opts.site, Some(cache));
        t.stage("读取");
        let mut checked = Checked::default();
        // The checks run beside the public view: both only read the records
        // and each has a sequential part. A view of content with errors is
        // thrown away.
        let published = Published::new(content, |c| {
            rayon::join(
                || {
                    let before = previous.map(Snapshot::public);
                    crate::publish::publish_after(c, opts.date, opts.drafts, before)
                },
                || {
                    checked = check(c, previous, &mut diags);
                    crate::check::plausibility(c, opts.date, &mut diags);
                },
            )
            .0
        });
        let env = match crate::render::environment(&opts.site) {
            Ok(env) => Some(env),
            Err(errs) => {
                errs.into_iter().for_each(|d| diags.push_diag(d));
                None
            }
        };
        if diags.has_errors() {
            return Err((diags.sorted(), "预览未更新：内容有错误"));
        }
        let Some(env) = env else {
            return Err((diags.sorted(), "预览未更新：模板出错"));
        };
        let content = published.borrow_owner();
        let (scanner, clean) = match scan(opts, content, previous) {
            Ok(scanned) => scanned,
            Err(leaks) => {
                let mut all = diags.sorted();
                all.extend(leaks);
                return Err((all, "预览未更新：发布内容含有个人隐私信息"));
            }
        };
        let allowed = allowed_numbers(content, published.borrow_dependent());
        t.stage("检查、发布视图");
        let (assets, files) = theme_assets(&opts.site);
        let templates = crate::render::fingerprint(&env, &[]);
        let snapshot = Snapshot {
            published,
            env,
            templates,
            assets,
            theme: files.into_iter().collect(),
            pages: OnceLock::new(),
            scanner,
            allowed,
            clean,
            checked,
            figures: OnceLock::new(),
            docs: OnceLock::new(),
            warnings: diags.sorted(),
        };
        let errors = snapshot.try_templates(previous);
        t.stage("试排页面");
        if !errors.is_empty() {
            return Err((errors, "预览未更新：模板出错"));
        }
        Ok(snapshot)
    }

    pub fn public(&self) -> &PublicSite<'_> {
        self.published.borrow_dependent()
    }

    /// For a path `KIND/ID.html` of a loaded record that has no page: its
    /// file and why (a draft, scheduled, expired).
    pub fn why_hidden(&self, rel: &str) -> Option<(String, String)> {
        let (dir, file) = rel.split_once('/')?;
        let id = file.strip_suffix(".html")?;
        let kind = crate::content::model::Kind::from_dir(dir)?;
        let public = self.public();
        let content = self.published.borrow_owner();
        let r = content
            .records
            .iter()
            .find(|r| r.meta.kind == kind && r.meta.id == id)?;
        let why = crate::publish::why_hidden(r, public.site, public.date, public.drafts)?;
        Some((r.meta.path.clone(), why))
    }

    /// The output path of the theme's accessibility script if it is the
    /// built-in one, which leaves a page's `<main>` alone (a site's own
    /// may not).
    pub fn builtin_a11y_js(&self) -> Option<&str> {
        let builtin = crate::pipeline::builtin_theme_file("a11y.js");
        let path = self.assets.a11y_js.as_str();
        (self.theme.get(path).map(Vec::as_slice) == builtin).then_some(path)
    }

    pub fn scanner(&self) -> &Scanner {
        &self.scanner
    }

    /// The numbers the records' 隐私例外 accepted.
    pub fn allowed(&self) -> &crate::output::Allowed {
        &self.allowed
    }

    /// A theme file by output path.
    pub fn theme_file(&self, path: &str) -> Option<&[u8]> {
        self.theme.get(path).map(Vec::as_slice)
    }

    /// Whether `path` is a theme file under a content-hashed name.
    pub fn is_hashed_asset(&self, path: &str) -> bool {
        [
            &self.assets.css,
            &self.assets.search_js,
            &self.assets.a11y_js,
        ]
        .iter()
        .any(|a| a.as_str() == path)
    }

    fn page_map(&self) -> &PageMap {
        self.pages.get_or_init(|| PageMap::new(self.public()))
    }

    /// Make the map of pages (and with it the party pages) now, not at the
    /// first request that needs it.
    pub fn warm(&self) {
        self.page_map();
    }

    /// The output paths of every page.
    pub fn page_paths(&self) -> Vec<String> {
        let public = self.public();
        let map = self.page_map();
        map.by_hash
            .values()
            .chain(map.collided.iter().map(|(_, p)| p))
            .filter_map(|p| crate::render::out_path(public, p))
            .collect()
    }

    /// The page of the record at `path` (`KIND/ID.html`), found by kind
    /// and id. None where the site makes a page of that path itself (a
    /// list page is `KIND/index.html`) and for anything else: those are
    /// looked up in the map of every page.
    fn record_page(&self, path: &str) -> Option<PageRef> {
        use crate::content::model::Kind;
        let (dir, file) = path.split_once('/')?;
        let id = file.strip_suffix(".html")?;
        let kind = Kind::from_dir(dir).filter(|k| *k != Kind::Daily)?;
        if id.contains('/') || crate::check::generated_page(kind, id).is_some() {
            return None;
        }
        let public = self.public();
        let i = public.position(kind, id)?;
        (public.page(i)?.url == path).then_some(PageRef::Record(i))
    }

    fn find(&self, path: &str) -> Option<PageRef> {
        if let Some(page) = self.record_page(path) {
            return Some(page);
        }
        let public = self.public();
        let map = self.page_map();
        map.by_hash
            .get(&path_key(path))
            .filter(|p| crate::render::with_out_path(public, p, |out| out == path) == Some(true))
            .or_else(|| map.collided.iter().find(|(p, _)| p == path).map(|(_, r)| r))
            .cloned()
    }

    /// Whether `path` is a page of the site.
    pub fn has_page(&self, path: &str) -> bool {
        self.find(path).is_some()
    }

    /// The page at output path `path`, rendered and scanned now; the
    /// template or privacy errors instead if it cannot be shown.
    pub fn page(&self, path: &str) -> Option<Result<Vec<u8>, Vec<Diagnostic>>> {
        let page = self.find(path)?;
        Some(self.render(&page))
    }

    fn render(&self, page: &PageRef) -> Result<Vec<u8>, Vec<Diagnostic>> {
        let public = self.public();
        let extra = match page {
            PageRef::Stats => self.figures.get_or_init(|| figures(public)).clone(),
            _ => Value::UNDEFINED,
        };
        let renderer = Renderer::new(&self.env, public, &self.assets, extra)
            .with_search_index(crate::pipeline::LAZY_SEARCH_INDEX)
            .served_from("/");
        let Some((out, html)) = renderer.page(public, page) else {
            return Err(Vec::new());
        };
        let html = html.map_err(|e| vec![*e])?;
        let origin = match page {
            PageRef::Record(i) => public.page(*i).map(|r| r.source.as_str()),
            _ => None,
        };
        let found =
            crate::output::findings_in(&self.scanner, &self.allowed, &out, html.as_bytes(), origin);
        if found.is_empty() {
            Ok(html.into_bytes())
        } else {
            Err(found)
        }
    }

    /// Render pages that a template may fail on at run time, so that such a
    /// failure keeps the previous snapshot: after a change of templates
    /// (or at first) one page of every template and of every kind of
    /// record; after a change of content, a page of each kind of record
    /// that changed.
    fn try_templates(&self, previous: Option<&Snapshot>) -> Vec<Diagnostic> {
        use crate::content::model::Kind;
        let public = self.public();
        let known = previous
            .filter(|p| p.templates == self.templates)
            .map(|p| &p.clean);
        let mut samples = Vec::new();
        if known.is_none() {
            samples.extend([
                PageRef::Home,
                PageRef::Removed,
                PageRef::Parties(1),
                PageRef::Search,
                PageRef::Stats,
                PageRef::NotFound,
                PageRef::Reports,
            ]);
            samples.extend(Kind::LISTED.iter().map(|k| PageRef::List(*k, FRONT)));
            // A numbered page of a list (its template branch differs).
            samples.extend(
                Kind::LISTED.iter().find_map(|k| {
                    Some(PageRef::List(*k, public.paging(*k, None).numbers().next()?))
                }),
            );
            if !public.notices.is_empty() {
                samples.push(PageRef::Notice(0));
            }
            if !public.parties().is_empty() {
                samples.push(PageRef::Party(0));
            }
            if let Some(d) = crate::reports::forms::active_days(public).first() {
                samples.push(PageRef::Daily(*d));
            }
            if let Some(w) = crate::reports::forms::weeks(public).into_iter().next() {
                samples.push(PageRef::Weekly(w));
            }
        }
        let removed = public.records.len();
        let mut kinds = HashSet::new();
        for (i, r) in public.pages().enumerate() {
            let changed = known.is_none_or(|k| !k.contains(&r.address()));
            if changed
                && r.kind != Kind::Daily
                && kinds.insert((r.kind, r.preview.is_some(), i >= removed))
            {
                samples.push(PageRef::Record(i));
            }
        }
        use rayon::prelude::*;
        let mut errors: Vec<Diagnostic> = samples
            .par_iter()
            .flat_map(|p| self.render(p).err().unwrap_or_default())
            .collect();
        errors.sort_by(|a, b| (&a.path, a.line, &a.message).cmp(&(&b.path, b.line, &b.message)));
        errors.dedup();
        errors
    }

    /// The searchable documents, made once.
    pub fn docs(&self) -> std::sync::Arc<Vec<crate::search::SearchDoc>> {
        self.docs
            .get_or_init(|| std::sync::Arc::new(crate::search::index::documents(self.public())))
            .clone()
    }
}
