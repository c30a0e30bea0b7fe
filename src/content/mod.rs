//! Loading a site directory: `content/site.yaml` and every record file.
//!
//! First stage of the pipeline (load → check → publish → render/export →
//! output). Files are read and decoded in parallel; every problem becomes a
//! diagnostic and loading goes on, so one run reports all of them.

pub mod decode;
pub mod fields;
pub mod inputs;
pub mod kinds;
pub mod model;
pub mod scan;
pub mod site;
pub mod yaml;

use crate::diag::{Diagnostics, Pos, report};
use decode::Ctx;
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
    load_with(root, None)
}

/// When a file was read: its modification time and size.
type Stamp = (Option<std::time::SystemTime>, u64);

fn stamp(path: &Path) -> Option<Stamp> {
    let m = std::fs::metadata(path).ok()?;
    Some((m.modified().ok(), m.len()))
}

/// The records of each file as last read, for a process that loads the
/// same site again and again (`serve`): a file whose modification time and
/// size are unchanged is not read and checked again. Records are shared,
/// not copied: the cache and every [`Content`] made from it hold the same
/// [`Arc`]s, so an unchanged record is the same allocation from one load to
/// the next.
#[derive(Default)]
pub struct LoadCache {
    site: Option<Stamp>,
    files: crate::base::FastMap<String, CachedFile>,
    /// The record files (with their site-relative paths) and the warnings
    /// about other files, as last listed.
    listing: Option<Arc<Listing>>,
    /// The only paths changed since the last load, when a watcher saw them
    /// all; None when that is not known.
    changed: Option<Vec<PathBuf>>,
}

struct Listing {
    files: Vec<(Kind, PathBuf, String)>,
    diags: Diagnostics,
}

impl LoadCache {
    /// Say that since the last load only `paths` changed, as a watcher of
    /// the file system saw it: the next load lists the content directory
    /// and looks at the files again only if these paths may change what it
    /// lists. Without this, every load lists and looks at every file.
    pub fn changed_only(&mut self, paths: Vec<PathBuf>) {
        self.changed = Some(paths);
    }

    /// The listing of the last load, if `changed` cannot have changed it:
    /// each path is a record file listed then and still a file, or hidden,
    /// or outside content/, or gone without having been seen.
    fn listing_after(&self, root: &Path, changed: &[PathBuf]) -> Option<Arc<Listing>> {
        let listing = self.listing.as_ref()?;
        let content = root.join("content");
        let unaffected = |p: &PathBuf| {
            let Ok(under) = p.strip_prefix(&content) else {
                return true;
            };
            if under
                .components()
                .any(|c| c.as_os_str().to_string_lossy().starts_with('.'))
            {
                return true;
            }
            let rel = rel(root, p);
            let listed = self.files.contains_key(&rel);
            match std::fs::symlink_metadata(p) {
                Ok(m) => listed && m.is_file(),
                Err(_) => !listed && !listing.diags.iter().any(|d| d.path == rel),
            }
        };
        changed.iter().all(unaffected).then(|| Arc::clone(listing))
    }
}

struct CachedFile {
    stamp: Stamp,
    records: Vec<Arc<Record>>,
    diags: Diagnostics,
}

/// How many files a site has before [`ReadAhead`] pays.
const READ_AHEAD_FROM: usize = 1000;

/// Threads that have the system read `paths` in order, so that the
/// parser finds them in the page cache; stopped when dropped.
struct ReadAhead {
    stop: Arc<std::sync::atomic::AtomicBool>,
}

impl ReadAhead {
    /// The reads themselves do not wait for the disk; opening a file
    /// may (its directory entry and inode), so several are opened at
    /// once.
    const THREADS: usize = 8;

    fn start(paths: Vec<PathBuf>) -> ReadAhead {
        use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
        let stop = Arc::new(AtomicBool::new(false));
        let paths = Arc::new(paths);
        let next = Arc::new(AtomicUsize::new(0));
        for _ in 0..Self::THREADS {
            let (stop, paths, next) = (Arc::clone(&stop), Arc::clone(&paths), Arc::clone(&next));
            let spawned = std::thread::Builder::new()
                .name("read-ahead".into())
                .spawn(move || {
                    while !stop.load(Ordering::Relaxed) {
                        let Some(p) = paths.get(next.fetch_add(1, Ordering::Relaxed)) else {
                            break;
                        };
                        read_ahead(p);
                    }
                });
            // Without threads the files are only read when parsed.
            if spawned.is_err() {
                break;
            }
        }
        ReadAhead { stop }
    }
}

/// Have the system read `path` into its cache. On Linux without copying
/// it, and without waiting for the disk beyond opening the file.
fn read_ahead(path: &Path) {
    #[cfg(target_os = "linux")]
    if let Ok(f) = std::fs::File::open(path) {
        use std::os::fd::AsRawFd;
        // SAFETY: posix_fadvise only reads its arguments; the descriptor
        // is open for the call.
        unsafe {
            libc::posix_fadvise(f.as_raw_fd(), 0, 0, libc::POSIX_FADV_WILLNEED);
        }
    }
    #[cfg(not(target_os = "linux"))]
    let _ = std::fs::read(path);
}

impl Drop for ReadAhead {
    fn drop(&mut self) {
        self.stop.store(true, std::sync::atomic::Ordering::Relaxed);
    }
}

/// Where `path` is in a listing (sorted by path): a changed file is found
/// without hashing the path of every file listed.
fn listed_at(listed: &[(Kind, PathBuf, String)], path: &Path) -> Option<usize> {
    listed
        .binary_search_by(|(_, p, _)| p.as_path().cmp(path))
        .ok()
}

/// [`load`], reading again only the files that changed since `cache` saw
/// them (all of them when site.yaml changed).
pub fn load_with(root: &Path, mut cache: Option<&mut LoadCache>) -> (Content, Diagnostics) {
    let mut diags = Diagnostics::default();
    let content_dir = root.join("content");
    let site = load_site(root, &mut diags);
    let changed = cache.as_deref_mut().and_then(|c| c.changed.take());
    let known = cache
        .as_deref()
        .zip(changed.as_deref())
        .and_then(|(c, paths)| c.listing_after(root, paths));
    let known_listing = known.is_some();
    let listing = known.unwrap_or_else(|| {
        let mut files: Vec<(Kind, PathBuf)> = Vec::new();
        let mut diags = Diagnostics::default();
        // A content/ that leaves the site is not listed (inputs::check
        // names it).
        if content_dir.is_dir() && inputs::refusal(root, &content_dir).is_none() {
            collect_files(root, &content_dir, &mut files, &mut diags);
        }
        files.sort_by(|a, b| a.1.cmp(&b.1));
        let files = files
            .into_iter()
            .map(|(k, p)| {
                let r = if cache.is_some() {
                    rel(root, &p)
                } else {
                    String::new()
                };
                (k, p, r)
            })
            .collect();
        Arc::new(Listing { files, diags })
    });
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
    // Whether the cache's records of each file are still good, and the
    // stamp each file is read with.
    let mut hits = vec![false; listed.len()];
    let mut stamps: Vec<Option<Stamp>> = Vec::new();
    if let Some(c) = cache.as_deref_mut() {
        // With a watcher's list of changes, only the changed files are
        // looked at; the others keep the stamp they were read with.
        stamps = match &changed {
            Some(paths) if known_listing => {
                let mut stamps: Vec<Option<Stamp>> = listed
                    .iter()
                    .map(|(_, p, r)| match c.files.get(r) {
                        Some(f) => Some(f.stamp),
                        None => stamp(p),
                    })
                    .collect();
                for i in paths.iter().filter_map(|p| listed_at(listed, p)) {
                    stamps[i] = stamp(&listed[i].1);
                }
                stamps
            }
            _ => listed.par_iter().map(|(_, p, _)| stamp(p)).collect(),
        };
        let site_stamp = stamp(&root.join("content").join("site.yaml"));
        if c.site != site_stamp {
            c.files.clear();
            c.site = site_stamp;
        }
        if !known_listing {
            let names: std::collections::HashSet<&str> =
                listed.iter().map(|(_, _, r)| r.as_str()).collect();
            c.files.retain(|k, _| names.contains(k.as_str()));
        }
        // A file the watcher saw change is read again even if its stamp
        // looks the same (a coarse clock, the same size).
        for ((hit, (_, _, rel)), st) in hits.iter_mut().zip(listed).zip(&stamps) {
            *hit = matches!((c.files.get(rel), st), (Some(f), Some(st)) if f.stamp == *st);
        }
        for i in changed
            .iter()
            .flatten()
            .filter_map(|p| listed_at(listed, p))
        {
            hits[i] = false;
        }
    }
    let read: Vec<Option<(Vec<Arc<Record>>, Diagnostics)>> = listed
        .par_iter()
        .zip(hits.par_iter())
        .map(|((kind, path, _), hit)| {
            (!hit).then(|| {
                let (recs, d) = load_file(root, *kind, path, &site);
                (recs.into_iter().map(Arc::new).collect(), d)
            })
        })
        .collect();
    let mut records = Vec::with_capacity(listed.len());
    for (i, fresh) in read.into_iter().enumerate() {
        let rel = &listed[i].2;
        match (fresh, cache.as_deref_mut()) {
            (Some((recs, d)), Some(c)) => {
                records.extend(recs.iter().cloned());
                diags.extend(d.clone());
                match stamps[i] {
                    Some(stamp) => {
                        let file = CachedFile {
                            stamp,
                            records: recs,
                            diags: d,
                        };
                        match c.files.get_mut(rel) {
                            Some(f) => *f = file,
                            None => {
                                c.files.insert(rel.clone(), file);
                            }
                        }
                    }
                    None => {
                        c.files.remove(rel);
                    }
                }
            }
            (Some((recs, d)), None) => {
                records.extend(recs);
                diags.extend(d);
            }
            (None, Some(c)) => {
                if let Some(f) = c.files.get(rel) {
                    records.extend(f.records.iter().cloned());
                    diags.extend(f.diags.clone());
                }
            }
            (None, None) => {}
        }
    }
    (
        Content {
            root: root.to_path_buf(),
            site,
            records,
        },
        diags,
    )
}

fn load_site(root: &Path, diags: &mut Diagnostics) -> Site {
    let path = root.join("content").join("site.yaml");
    let relp = rel(root, &path);
    if !path.is_file() {
        diags.push(
            report(&relp, Pos::FILE, "", "找不到站点配置文件 content/site.yaml")
                .expected("站点目录下的 content/site.yaml（可用 gongshi init 创建）")
                .found("文件不存在"),
        );
        return Site::default();
    }
    let Some(text) = read_text(root, &path, Site::default().limits.max_file_bytes, diags) else {
        return Site::default();
    };
    match yaml::parse(&text, Limits::default()) {
        Ok(node) => {
            let src = scan::Source {
                rel: &relp,
                text: &text,
            };
            scan::controls(&src, &node, None, diags);
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
    }
}

/// Find record files; refuse links that leave the site.
fn collect_files(root: &Path, dir: &Path, out: &mut Vec<(Kind, PathBuf)>, diags: &mut Diagnostics) {
    let canon_root = root.canonicalize().unwrap_or_else(|_| root.to_path_buf());
    let mut entries: Vec<_> = match std::fs::read_dir(dir) {
        Ok(rd) => rd.filter_map(Result::ok).collect(),
        Err(e) => {
            diags.push(report(
                &rel(root, dir),
                Pos::FILE,
                "",
                format!("无法读取目录：{e}"),
            ));
            return;
        }
    };
    entries.sort_by_key(|e| e.file_name());
    for entry in entries {
        let path = entry.path();
        let name = entry.file_name().to_string_lossy().to_string();
        if name.starts_with('.') {
            continue;
        }
        if path.is_symlink() && !inside(&canon_root, &path) {
            diags.push(
                report(
                    &rel(root, &path),
                    Pos::FILE,
                    "",
                    "符号链接指向站点目录之外，已拒绝",
                )
                .expected("站点目录内的文件")
                .found(
                    path.canonicalize()
                        .map(|p| p.display().to_string())
                        .unwrap_or_default(),
                ),
            );
            continue;
        }
        if path.is_file() {
            if name != "site.yaml" {
                diags.push(
                    report(
                        &rel(root, &path),
                        Pos::FILE,
                        "",
                        "content/ 下的文件未被使用",
                    )
                    .expected("content/site.yaml 或各类记录目录中的文件")
                    .found(name)
                    .warning(),
                );
            }
            continue;
        }
        let Some(kind) = Kind::from_dir(&name) else {
            diags.push(
                report(&rel(root, &path), Pos::FILE, "", "未知的记录目录")
                    .expected(Kind::ALL.map(|k| k.dir()).join("、"))
                    .found(name)
                    .warning(),
            );
            continue;
        };
        let want = if kind == Kind::Pages { "md" } else { "yaml" };
        for e in walkdir::WalkDir::new(&path)
            .min_depth(1)
            .sort_by_file_name()
        {
            let e = match e {
                Ok(e) => e,
                Err(err) => {
                    diags.push(report(
                        &rel(root, &path),
                        Pos::FILE,
                        "",
                        format!("无法读取目录：{err}"),
                    ));
                    continue;
                }
            };
            let p = e.path();
            let fname = e.file_name().to_string_lossy();
            if fname.starts_with('.') || e.file_type().is_dir() {
                continue;
            }
            if e.path_is_symlink() && !inside(&canon_root, p) {
                diags.push(
                    report(
                        &rel(root, p),
                        Pos::FILE,
                        "",
                        "符号链接指向站点目录之外，已拒绝",
                    )
                    .expected("站点目录内的文件")
                    .found(
                        p.canonicalize()
                            .map(|p| p.display().to_string())
                            .unwrap_or_default(),
                    ),
                );
                continue;
            }
            if let Some(why) = inputs::refusal(root, p) {
                diags.push(
                    report(&rel(root, p), Pos::FILE, "", why)
                        .expected("站点目录之内的普通文件")
                        .found(fname.to_string()),
                );
                continue;
            }
            if p.extension().and_then(|x| x.to_str()) == Some(want) {
                out.push((kind, p.to_path_buf()));
            } else {
                diags.push(
                    report(&rel(root, p), Pos::FILE, "", "文件扩展名不对，已忽略")
                        .expected(format!(".{want}"))
                        .found(fname.to_string())
                        .warning(),
                );
            }
        }
    }
}

/// Whether `path`, links resolved, is inside `canon_root`.
fn inside(canon_root: &Path, path: &Path) -> bool {
    match path.canonicalize() {
        Ok(p) => p.starts_with(canon_root),
        // A dangling link: refuse it too.
        Err(_) => !path.is_symlink(),
    }
}

fn read_text(root: &Path, path: &Path, max: u64, diags: &mut Diagnostics) -> Option<String> {
    let relp = rel(root, path);
    // One open: the size is read from the open file (no second lookup of
    // the path), and no more than `max` bytes are read even if the file
    // grows meanwhile.
    let file = match inputs::open(root, path) {
        Ok(f) => f,
        Err(why) => {
            diags.push(
                report(&relp, Pos::FILE, "", why)
                    .expected("站点目录之内的普通文件")
                    .found(path.display().to_string()),
            );
            return None;
        }
    };
    let read = || -> std::io::Result<Result<Vec<u8>, u64>> {
        use std::io::Read;
        let len = file.metadata()?.len();
        if len > max {
            return Ok(Err(len));
        }
        let mut bytes = Vec::with_capacity(len as usize);
        file.take(max + 1).read_to_end(&mut bytes)?;
        Ok(match bytes.len() as u64 {
            n if n > max => Err(n),
            _ => Ok(bytes),
        })
    };
    let bytes = match read() {
        Ok(Ok(b)) => b,
        Ok(Err(len)) => {
            diags.push(
                report(&relp, Pos::FILE, "", "文件过大，已拒绝")
                    .expected(format!("不超过 {max} 字节（site.yaml 限制.文件大小）"))
                    .found(format!("{len} 字节")),
            );
            return None;
        }
        Err(e) => {
            diags.push(report(&relp, Pos::FILE, "", format!("无法读取文件：{e}")));
            return None;
        }
    };
    if let Some(big_endian) = utf16(&bytes) {
        let order = if big_endian { "大端" } else { "小端" };
        diags.push(
            report(&relp, Pos::FILE, "", "文件是 UTF-16 编码，不是 UTF-8")
                .expected("UTF-8 文本（在编辑器中另存为 UTF-8）")
                .found(format!("UTF-16（{order}）")),
        );
        return None;
    }
    match String::from_utf8(bytes) {
        Ok(s) => Some(s.strip_prefix('\u{feff}').map(str::to_string).unwrap_or(s)),
        Err(e) => {
            let good = &e.as_bytes()[..e.utf8_error().valid_up_to()];
            // Valid up to here: the position counts characters.
            let good = std::str::from_utf8(good).unwrap_or("");
            let line = good.matches('\n').count() as u32 + 1;
            let col = good.rsplit('\n').next().map_or(0, |l| l.chars().count()) as u32 + 1;
            diags.push(
                report(&relp, Pos::new(line, col), "", "文件不是 UTF-8 编码")
                    .expected("UTF-8 文本")
                    .found("无效的字节序列（可能是 GBK 编码，请另存为 UTF-8）"),
            );
            None
        }
    }
}

/// Whether `bytes` are UTF-16 text, and if so whether big-endian: by its
/// byte-order mark, or by the zero bytes that ASCII characters leave in
/// every other place.
fn utf16(bytes: &[u8]) -> Option<bool> {
    match bytes {
        [0xFF, 0xFE, ..] => return Some(false),
        [0xFE, 0xFF, ..] => return Some(true),
        _ => {}
    }
    let head = &bytes[..bytes.len().min(512) & !1];
    if head.len() < 4 {
        return None;
    }
    let pairs = head.len() / 2;
    let zero_at = |k: usize| head.chunks(2).filter(|p| p[k] == 0).count();
    let (even, odd) = (zero_at(0), zero_at(1));
    if odd * 10 >= pairs * 3 && even == 0 {
        Some(false)
    } else if even * 10 >= pairs * 3 && odd == 0 {
        Some(true)
    } else {
        None
    }
}

fn load_file(root: &Path, kind: Kind, path: &Path, site: &Site) -> (Vec<Record>, Diagnostics) {
    let mut diags = Diagnostics::default();
    let relp = rel(root, path);
    let Some(text) = read_text(root, path, site.limits.max_file_bytes, &mut diags) else {
        return (Vec::new(), diags);
    };
    let stem = path
        .file_stem()
        .map(|s| s.to_string_lossy().to_string())
        .unwrap_or_default();
    let limit = crate::base::MAX_INDEXED_CHARS;
    if text.len() > limit && text.chars().count() > limit && kind != Kind::Actions {
        diags.push(
            report(&relp, Pos::FILE, "", "记录很长：站内搜索只检索它的前一部分")
                .expected(format!(
                    "不超过 {limit} 字的记录（超出部分照常公开，但搜不到）"
                ))
                .found(format!("{} 字", text.chars().count()))
                .warning(),
        );
    }
    scan::file_name(
        &scan::Source {
            rel: &relp,
            text: &text,
        },
        &stem,
        &mut diags,
    );
    if kind == Kind::Pages {
        let rec = load_page(&relp, &stem, &text, &mut diags);
        return (rec.into_iter().collect(), diags);
    }
    let node = match yaml::parse(&text, site.limits.yaml()) {
        Ok(n) => n,
        Err(e) => {
            diags.push(
                report(&relp, e.pos, "", e.message)
                    .expected(e.expected)
                    .found(e.found),
            );
            return (Vec::new(), diags);
        }
    };
    let mut records = Vec::new();
    let src = scan::Source {
        rel: &relp,
        text: &text,
    };
    match &node.value {
        Value::Seq(items) if kind == Kind::Actions => {
            if items.is_empty() {
                diags.push(
                    report(&relp, node.pos, "", "批量文件中没有记录")
                        .expected("至少一条带「编号」的记录")
                        .found("空列表")
                        .warning(),
                );
            }
            for item in items {
                let id = bulk_id(&relp, item, &mut diags);
                scan::controls(&src, item, None, &mut diags);
                let used = scan::record(&src, kind, item, &mut diags);
                let mut ctx = Ctx::new(&relp, &mut diags);
                if let Some(mut r) = kinds::decode(&mut ctx, kind, &id, item, &site.sectors, true)
                    && !id.is_empty()
                {
                    r.meta.privacy_used = used;
                    records.push(r);
                }
            }
        }
        _ => {
            if !kinds::valid_id(&stem) {
                diags.push(
                    report(&relp, Pos::FILE, "", "文件名不能作为记录编号")
                        .expected("小写字母、数字和连字符，以字母或数字开头，例如 hc-2022-001.yaml")
                        .found(stem.clone()),
                );
            }
            scan::controls(&src, &node, None, &mut diags);
            let used = scan::record(&src, kind, &node, &mut diags);
            let mut ctx = Ctx::new(&relp, &mut diags);
            if let Some(mut r) = kinds::decode(&mut ctx, kind, &stem, &node, &site.sectors, false) {
                r.meta.privacy_used = used;
                records.push(r);
            }
        }
    }
    (records, diags)
}

/// The id of an item in a bulk file: its `编号`.
fn bulk_id(relp: &str, item: &yaml::Node, diags: &mut Diagnostics) -> String {
    let Value::Map(entries) = &item.value else {
        return String::new();
    };
    let found = entries.iter().find(|(k, _)| k.as_str() == Some("编号"));
    match found {
        None => {
            diags.push(
                report(relp, item.pos, "编号", "批量文件中的记录缺少「编号」")
                    .expected("编号：小写字母、数字和连字符，例如 hc-2022-cf-001")
                    .found("未填写"),
            );
            String::new()
        }
        Some((_, v)) => match v.as_str() {
            Some(id) if kinds::valid_id(id.trim()) => id.trim().to_string(),
            _ => {
                diags.push(
                    report(relp, v.pos, "编号", "「编号」格式不正确")
                        .expected("小写字母、数字和连字符，以字母或数字开头")
                        .found(v.describe()),
                );
                String::new()
            }
        },
    }
}

/// A Markdown page with YAML front matter between `---` lines.
fn load_page(relp: &str, stem: &str, text: &str, diags: &mut Diagnostics) -> Option<Record> {
    if !kinds::valid_id(stem) {
        diags.push(
            report(relp, Pos::FILE, "", "文件名不能作为页面编号")
                .expected("小写字母、数字和连字符，例如 about.md")
                .found(stem.to_string()),
        );
    }
    let normalized = text.replace("\r\n", "\n");
    let Some(rest) = normalized.strip_prefix("---\n") else {
        diags.push(
            report(relp, Pos::new(1, 1), "", "页面缺少 YAML 头部")
                .expected("以 --- 开头的头部，含 标题 和 发布日期，再以 --- 结束")
                .found(normalized.lines().next().unwrap_or("").to_string()),
        );
        return None;
    };
    let (front, body) = match rest
        .find("\n---\n")
        .map(|i| (i, 5))
        .or_else(|| rest.strip_suffix("\n---").map(|f| (f.len(), 4)))
    {
        Some((i, skip)) => (&rest[..i + 1], &rest[(i + skip).min(rest.len())..]),
        None => {
            diags.push(
                report(relp, Pos::new(1, 1), "", "页面的 YAML 头部没有结束")
                    .expected("单独一行 --- 结束头部")
                    .found("文件结束"),
            );
            return None;
        }
    };
    // Positions in the front matter are one line further down the file.
    let node = match yaml::parse(front, Limits::default()) {
        Ok(mut n) => {
            shift(&mut n, 1);
            n
        }
        Err(e) => {
            diags.push(
                report(relp, Pos::new(e.pos.line + 1, e.pos.col), "", e.message)
                    .expected(e.expected)
                    .found(e.found),
            );
            return None;
        }
    };
    let src = scan::Source {
        rel: relp,
        text: &normalized,
    };
    let mut used = scan::record(&src, Kind::Pages, &node, diags);
    let draft = node_str(&node, "状态") == Some("草稿");
    let exceptions: Vec<String> = if draft {
        Vec::new()
    } else {
        page_exceptions(&node)
    };
    let offset = body.as_ptr() as usize - normalized.as_ptr() as usize;
    scan::controls(&src, &node, Some((body, offset)), diags);
    for key in scan::body(&src, body, offset, &exceptions, diags) {
        if !used.contains(&key) {
            used.push(key);
        }
    }
    let mut ctx = Ctx::new(relp, diags);
    let mut page = kinds::decode_page(&mut ctx, stem, &node, body.to_string())?;
    page.meta.privacy_used = used;
    Some(page)
}

fn node_str<'n>(node: &'n yaml::Node, key: &str) -> Option<&'n str> {
    match &node.value {
        Value::Map(entries) => entries
            .iter()
            .find(|(k, _)| k.as_str() == Some(key))
            .and_then(|(_, v)| v.as_str()),
        _ => None,
    }
}

/// The numbers a page's 隐私例外 accept, normalized.
fn page_exceptions(node: &yaml::Node) -> Vec<String> {
    let Value::Map(entries) = &node.value else {
        return Vec::new();
    };
    let Some((_, list)) = entries.iter().find(|(k, _)| k.as_str() == Some("隐私例外")) else {
        return Vec::new();
    };
    let Value::Seq(items) = &list.value else {
        return Vec::new();
    };
    items
        .iter()
        .filter_map(|e| node_str(e, "内容"))
        .map(crate::privacy::normalize_number)
        .collect()
}

fn shift(n: &mut yaml::Node, lines: u32) {
    n.pos.line += lines;
    match &mut n.value {
        Value::Seq(items) => items.iter_mut().for_each(|i| shift(i, lines)),
        Value::Map(entries) => entries.iter_mut().for_each(|(k, v)| {
            shift(k, lines);
            shift(v, lines);
        }),
        _ => {}
    }
}
