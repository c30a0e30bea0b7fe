//! Loading a site directory: `content/site.yaml` and every record file.
//!
//! First stage of the pipeline (load → check → publish → render/export →
//! output). Files are read and decoded in parallel; every problem becomes a
//! diagnostic and loading goes on, so one run reports all of them.

mod cache;
pub mod decode;
pub mod fields;
mod files;
pub mod inputs;
pub mod kept;
pub mod kinds;
pub mod model;
mod record;
pub mod scan;
pub mod site;
pub mod slips;
pub(crate) mod stash;
pub mod table;
pub mod tables;
pub mod vocabulary;
pub mod yaml;

use crate::diag::{Diagnostics, Pos, report};
pub use cache::LoadCache;
use cache::*;
use decode::Ctx;
pub use files::decode_text;
use files::*;
use model::{Kind, Record};
use rayon::prelude::*;
use site::Site;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use yaml::{Limits, Value};

/// Everything loaded from a site directory.
#[derive(Default)]
pub struct Content {
    pub root: PathBuf,
    pub site: Site,
    pub records: Vec<Arc<Record>>,
    /// Of the record files of a [`load_kept`], how many were taken from
    /// the last build's records and how many were read and parsed; and of
    /// the first, how many were not even read (settled, [`kept`]).
    pub kept: (usize, usize, usize),
}

/// The path of a file relative to the site root, `/`-separated.
pub fn rel(root: &Path, path: &Path) -> String {
    let p = path.strip_prefix(root).unwrap_or(path);
    p.components()
        .map(|c| c.as_os_str().to_string_lossy())
        .collect::<Vec<_>>()
        .join("/")
}

/// Load the site at `root`. Never fails: problems are in the diagnostics.
pub fn load(root: &Path) -> (Content, Diagnostics) {
    load_all(root, None, None)
}

/// [`load`], taking the records of each file that has not changed since
/// the last build from what it kept in the site's `.gongshi-cache/`
/// ([`kept`]); and, if `save` (`build`, not `check`, which writes
/// nothing), keeping this load's for the next.
pub fn load_kept(root: &Path, save: bool) -> (Content, Diagnostics) {
    load_all(root, None, Some(save))
}

/// [`load`], reading again only the files that changed since `cache` saw
/// them (all of them when site.yaml changed).
pub fn load_with(root: &Path, cache: Option<&mut LoadCache>) -> (Content, Diagnostics) {
    load_all(root, cache, None)
}

/// `keep`: whether to take records kept by the last build, and if so
/// whether to keep this load's.
fn load_all(
    root: &Path,
    mut cache: Option<&mut LoadCache>,
    keep: Option<bool>,
) -> (Content, Diagnostics) {
    let mut diags = Diagnostics::default();
    let canon_root = inputs::resolved(root);
    let (site, site_text) = load_site(root, &canon_root, &mut diags);
    let changed = cache.as_deref_mut().and_then(|c| c.changed.take());
    let known = cache
        .as_deref()
        .zip(changed.as_deref())
        .and_then(|(c, paths)| c.listing_after(root, paths));
    let known_listing = known.is_some();
    let listing = known.unwrap_or_else(|| list(root, cache.is_some()));
    diags.extend(listing.diags.clone());
    if let Some(c) = cache.as_deref_mut() {
        c.listing = Some(Arc::clone(&listing));
    }
    let mut listed: &[(Kind, PathBuf, String)] = &listing.files;
    if listed.len() > site.limits.max_records {
        diags.push(
            report("content", Pos::FILE, "", "记录文件数超过上限")
                .expected(format!(
                    "至多 {} 个（site.yaml 限制.记录数）",
                    site.limits.max_records
                ))
                .found(listed.len().to_string()),
        );
        listed = &listed[..site.limits.max_records];
    }
    // Reading every file of a large site whose files are not in memory yet
    // waits on the disk for each file in turn: threads that read ahead
    // keep the disk busy while the records are parsed.
    let _ahead = (listed.len() >= READ_AHEAD_FROM
        && cache.as_deref().is_none_or(|c| c.files.is_empty()))
    .then(|| ReadAhead::start(listed.iter().map(|(_, p, _)| p.clone()).collect()));
    let (hits, stamps) = match cache.as_deref_mut() {
        Some(c) => c.hits(root, listed, changed.as_deref(), known_listing),
        None => (vec![false; listed.len()], Vec::new()),
    };
    let files = Files {
        root,
        canon_root: &canon_root,
        site: &site,
        listed,
    };
    let (read, reused) = files.read(&hits, keep, site_text.as_deref());
    let mut records = Vec::with_capacity(listed.len());
    for (i, fresh) in read.into_iter().enumerate() {
        let fresh = fresh.map(|(recs, d, _)| (recs, d));
        let (recs, d) = match (fresh, cache.as_deref_mut()) {
            (Some(fresh), Some(c)) => c.keep(&listed[i].2, stamps[i], fresh),
            (Some(fresh), None) => fresh,
            (None, Some(c)) => c.records_of(&listed[i].2),
            (None, None) => continue,
        };
        records.extend(recs);
        diags.extend(d);
    }
    (
        Content {
            root: root.to_path_buf(),
            site,
            records,
            kept: reused,
        },
        diags,
    )
}

/// The records of one file, its messages, and what to keep of it.
type ReadFile = (Vec<Arc<Record>>, Diagnostics, Option<kept::Entry>);

/// The record files a load reads, and what it reads them with.
struct Files<'a> {
    root: &'a Path,
    canon_root: &'a Path,
    site: &'a Site,
    listed: &'a [(Kind, PathBuf, String)],
}

impl Files<'_> {
    /// Each listed file but those the preview's cache `hits`, read (or
    /// taken from the records kept, if `keep`, and kept again if it
    /// says so); with the numbers of files taken and parsed.
    fn read(
        &self,
        hits: &[bool],
        keep: Option<bool>,
        site_text: Option<&str>,
    ) -> (Vec<Option<ReadFile>>, (usize, usize, usize)) {
        let Files {
            root,
            canon_root,
            site,
            listed,
        } = *self;
        // What each file is, looked up once (without following a link):
        // the size of the records kept is bounded by theirs, and a
        // settled file is known by it.
        let metas: Vec<Option<std::fs::Metadata>> = match keep {
            Some(_) => listed
                .par_iter()
                .map(|(_, p, _)| std::fs::symlink_metadata(p).ok())
                .collect(),
            None => Vec::new(),
        };
        let keeping =
            keep.map(|save| kept::Keeping::begin(root, canon_root, site_text, &metas, save));
        let read: Vec<Option<ReadFile>> = listed
            .par_iter()
            .zip(hits.par_iter())
            .enumerate()
            .map(|(i, ((kind, path, _), hit))| {
                let kept = keeping
                    .as_ref()
                    .map(|k| (k, metas.get(i).and_then(Option::as_ref)));
                (!hit).then(|| read_file(root, canon_root, *kind, path, site, kept))
            })
            .collect();
        let reused = keeping.map_or((0, 0, 0), |k| {
            let entries: Vec<&kept::Entry> =
                read.iter().flatten().filter_map(|r| r.2.as_ref()).collect();
            k.finish(root, canon_root, &entries, listed.len())
        });
        (read, reused)
    }
}

fn read_file(
    root: &Path,
    canon_root: &Path,
    kind: Kind,
    path: &Path,
    site: &Site,
    keeping: Option<(&kept::Keeping, Option<&std::fs::Metadata>)>,
) -> ReadFile {
    let (recs, d, entry) = match keeping {
        Some((k, meta)) => load_file_kept(root, canon_root, kind, path, site, k, meta),
        None => {
            let (recs, d) = load_file(root, canon_root, kind, path, site);
            (recs, d, None)
        }
    };
    // A new vector, not `collect`: collecting in place would keep the
    // records' buffer (four records wide, as the vector grew) for the
    // pointers, one for each file until all are read.
    let mut shared = Vec::with_capacity(recs.len());
    shared.extend(recs.into_iter().map(Arc::new));
    (shared, d, entry)
}

/// The record files under content/, in path order (with their
/// site-relative names when a cache keeps them).
fn list(root: &Path, named: bool) -> Arc<Listing> {
    let content_dir = root.join("content");
    let mut files: Vec<(Kind, PathBuf)> = Vec::new();
    let mut diags = Diagnostics::default();
    // A content/ that leaves the site is not listed (inputs::check names it).
    if content_dir.is_dir() && inputs::refusal(root, &content_dir).is_none() {
        collect_files(root, &content_dir, &mut files, &mut diags);
    }
    files.sort_by(|a, b| a.1.cmp(&b.1));
    let files = files
        .into_iter()
        .map(|(k, p)| {
            let r = if named { rel(root, &p) } else { String::new() };
            (k, p, r)
        })
        .collect();
    Arc::new(Listing { files, diags })
}

/// The site's settings, and the text of site.yaml they were read from
/// (none if it could not be read).
fn load_site(root: &Path, canon_root: &Path, diags: &mut Diagnostics) -> (Site, Option<String>) {
    let path = root.join("content").join("site.yaml");
    let relp = rel(root, &path);
    if !path.is_file() {
        diags.push(
            report(&relp, Pos::FILE, "", "找不到站点配置文件 content/site.yaml")
                .expected("站点目录下的 content/site.yaml（可用 gongshi init 创建）")
                .found("文件不存在"),
        );
        return (Site::default(), None);
    }
    let max = Site::default().limits.max_file_bytes;
    let Some(text) = read_text(root, canon_root, &path, max, diags) else {
        return (Site::default(), None);
    };
    let site = match yaml::parse(&text, Limits::default()) {
        Ok(node) => {
            let src = scan::Source {
                rel: &relp,
                text: &text,
            };
            scan::controls(&src, &node, None, diags);
            scan::links(&src, &node, None, diags);
            scan::site(&src, &node, diags);
            let mut ctx = Ctx::new(&relp, diags);
            site::decode(&mut ctx, &node)
        }
        Err(e) => {
            diags.push(
                report(&relp, e.pos, "", e.message)
                    .expected(e.expected)
                    .found(e.found),
            );
            Site::default()
        }
    };
    (site, Some(text))
}
