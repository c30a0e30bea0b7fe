//! Reading one record file or page: the listing of the record directories,
//! the text of a file (size limit, encodings), and its records.

use super::*;

/// Find record files; refuse links that leave the site.
pub(super) fn collect_files(
    root: &Path,
    dir: &Path,
    out: &mut Vec<(Kind, PathBuf)>,
    diags: &mut Diagnostics,
) {
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
            diags.push(link_outside(root, &path));
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
        match Kind::from_dir(&name) {
            Some(kind) => collect_kind(root, &canon_root, kind, &path, out, diags),
            None => diags.push(
                report(&rel(root, &path), Pos::FILE, "", "未知的记录目录")
                    .expected(Kind::ALL.map(|k| k.dir()).join("、"))
                    .found(name)
                    .warning(),
            ),
        }
    }
}

fn link_outside(root: &Path, path: &Path) -> crate::diag::Report {
    report(
        &rel(root, path),
        Pos::FILE,
        "",
        "符号链接指向站点目录之外，已拒绝",
    )
    .expected("站点目录内的文件")
    .found(
        path.canonicalize()
            .map(|p| p.display().to_string())
            .unwrap_or_default(),
    )
}

/// The record files of one kind's directory, at any depth.
fn collect_kind(
    root: &Path,
    canon_root: &Path,
    kind: Kind,
    path: &Path,
    out: &mut Vec<(Kind, PathBuf)>,
    diags: &mut Diagnostics,
) {
    let want = if kind == Kind::Pages { "md" } else { "yaml" };
    let dir_inside = path.canonicalize().is_ok_and(|d| d.starts_with(canon_root));
    for e in walkdir::WalkDir::new(path).min_depth(1).sort_by_file_name() {
        let e = match e {
            Ok(e) => e,
            Err(err) => {
                diags.push(report(
                    &rel(root, path),
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
        if e.path_is_symlink() && !inside(canon_root, p) {
            diags.push(link_outside(root, p));
            continue;
        }
        // A regular file reached from a directory inside the site without
        // following a link is inside the site: only links and special
        // files need resolving. (Opening it resolves it again.)
        let plain = dir_inside && !e.path_is_symlink() && e.file_type().is_file();
        if let Some(why) = (!plain)
            .then(|| inputs::refusal_within(canon_root, p))
            .flatten()
        {
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

/// Whether `path`, links resolved, is inside `canon_root`.
pub(super) fn inside(canon_root: &Path, path: &Path) -> bool {
    match path.canonicalize() {
        Ok(p) => p.starts_with(canon_root),
        // A dangling link: refuse it too.
        Err(_) => !path.is_symlink(),
    }
}

pub(super) fn read_text(
    root: &Path,
    canon_root: &Path,
    path: &Path,
    max: u64,
    diags: &mut Diagnostics,
) -> Option<String> {
    read_text_as(root, canon_root, path, max, diags).map(|(text, _)| text)
}

/// [`read_text`], with what the open file was ([`kept::Stamp`]).
pub(super) fn read_text_as(
    root: &Path,
    canon_root: &Path,
    path: &Path,
    max: u64,
    diags: &mut Diagnostics,
) -> Option<(String, kept::Stamp)> {
    let relp = rel(root, path);
    // One open: the size is read from the open file (no second lookup of
    // the path), and no more than `max` bytes are read even if the file
    // grows meanwhile.
    let file = match inputs::open_within(canon_root, path) {
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
    let mut stamp = kept::Stamp::default();
    let read = || -> std::io::Result<Result<Vec<u8>, u64>> {
        use std::io::Read;
        let meta = file.metadata()?;
        stamp = kept::Stamp::of(&meta);
        let len = meta.len();
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
    Some((utf8_text(&relp, bytes, diags)?, stamp))
}

/// The text of a file's bytes, without a byte-order mark; None (and the
/// problem reported) when they are not UTF-8.
fn utf8_text(relp: &str, bytes: Vec<u8>, diags: &mut Diagnostics) -> Option<String> {
    if let Some(big_endian) = utf16(&bytes) {
        let order = if big_endian { "大端" } else { "小端" };
        diags.push(
            report(relp, Pos::FILE, "", "文件是 UTF-16 编码，不是 UTF-8")
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
                report(relp, Pos::new(line, col), "", "文件不是 UTF-8 编码")
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
pub(super) fn utf16(bytes: &[u8]) -> Option<bool> {
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

pub(super) fn load_file(
    root: &Path,
    canon_root: &Path,
    kind: Kind,
    path: &Path,
    site: &Site,
) -> (Vec<Record>, Diagnostics) {
    let mut diags = Diagnostics::default();
    let max = site.limits.max_file_bytes;
    let Some(text) = read_text(root, canon_root, path, max, &mut diags) else {
        return (Vec::new(), diags);
    };
    let (records, more) = decode_text(root, kind, path, text, site);
    diags.extend(more);
    (records, diags)
}

/// [`load_file`], taking the records from `kept` when the file is the
/// same file with the same text as when they were kept; with the entry
/// to keep for the next build (none when the file could not be read;
/// without its records unless `save`).
pub(super) fn load_file_kept(
    root: &Path,
    canon_root: &Path,
    kind: Kind,
    path: &Path,
    site: &Site,
    keeping: &kept::Keeping,
    meta: Option<&std::fs::Metadata>,
) -> (Vec<Record>, Diagnostics, Option<kept::Entry>) {
    let (previous, save) = (keeping.was(), keeping.saves());
    let rel = rel(root, path);
    if let Some(taken) = meta.and_then(|m| take_settled(previous, &rel, m, save)) {
        return taken;
    }
    let mut diags = Diagnostics::default();
    let max = site.limits.max_file_bytes;
    // Taken before the file is opened: a file changed since has a later
    // change time than its stamp says.
    let now = std::time::SystemTime::now();
    let Some((text, stamp)) = read_text_as(root, canon_root, path, max, &mut diags) else {
        return (Vec::new(), diags, None);
    };
    let hash = kept::digest(&text);
    let was = previous
        .get(&rel, stamp, &hash)
        .and_then(|payload| Some((stash::from_bytes(payload)?, payload)));
    let reused = was.is_some();
    let (records, diags, payload) = match was {
        Some(((records, diags), payload)) => {
            let payload = if save { payload.to_vec() } else { Vec::new() };
            (records, diags, payload)
        }
        None => {
            let (records, more) = decode_text(root, kind, path, text, site);
            diags.extend(more);
            let mut payload = Vec::new();
            if save {
                stash::Stash::put(&records, &mut payload);
                stash::Stash::put(&diags, &mut payload);
            }
            (records, diags, payload)
        }
    };
    let entry = kept::Entry {
        rel,
        stamp,
        settled: stamp.settled_at(now),
        hash,
        payload,
        reused,
        opened: true,
    };
    (records, diags, Some(entry))
}

/// The records kept of the file `rel`, without opening it, if it is a
/// plain file (`meta`, its link not followed) that had settled when kept
/// and has the same stamp ([`kept::Kept::settled`]); with its entry to
/// keep again.
fn take_settled(
    previous: &kept::Kept,
    rel: &str,
    meta: &std::fs::Metadata,
    save: bool,
) -> Option<(Vec<Record>, Diagnostics, Option<kept::Entry>)> {
    if !meta.file_type().is_file() {
        return None;
    }
    let stamp = kept::Stamp::of(meta);
    let (hash, payload) = previous.settled(rel, stamp)?;
    let (records, diags) = stash::from_bytes(payload)?;
    let entry = kept::Entry {
        rel: rel.to_string(),
        stamp,
        settled: true,
        hash,
        payload: if save { payload.to_vec() } else { Vec::new() },
        reused: true,
        opened: false,
    };
    Some((records, diags, Some(entry)))
}

/// The records of a record file's text, and the problems found in it.
/// The file at `path` need not exist: `gongshi import` reads what it
/// would write.
pub fn decode_text(
    root: &Path,
    kind: Kind,
    path: &Path,
    text: String,
    site: &Site,
) -> (Vec<Record>, Diagnostics) {
    let mut diags = Diagnostics::default();
    let relp = rel(root, path);
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
    // The slips of an input method are named first; those that break the
    // YAML are mended, so that the rest of the file is still checked.
    let slips = slips::find(&relp, &text, &mut diags);
    let text = slips.mended.unwrap_or(text);
    let node = match yaml::parse(&text, site.limits.yaml()) {
        Ok(n) => n,
        Err(e) => {
            // A syntax error on or after a slip's line is the slip's doing.
            if !slips.lines.iter().any(|l| *l <= e.pos.line) {
                // yaml::parse already names the line as what is found.
                diags.push(
                    report(&relp, e.pos, "", e.message)
                        .expected(e.expected)
                        .found(e.found),
                );
            }
            return (Vec::new(), diags);
        }
    };
    let src = scan::Source {
        rel: &relp,
        text: &text,
    };
    let records = decode_file(&src, kind, &stem, &node, site, &mut diags);
    (records, diags)
}

/// The records of a parsed file: one, or a bulk file's list (actions).
fn decode_file(
    src: &scan::Source,
    kind: Kind,
    stem: &str,
    node: &yaml::Node,
    site: &Site,
    diags: &mut Diagnostics,
) -> Vec<Record> {
    let relp = src.rel;
    let mut records = Vec::new();
    let mut one = |item: &yaml::Node, id: &str, bulk: bool, diags: &mut Diagnostics| {
        scan::controls(src, item, None, diags);
        scan::links(src, item, None, diags);
        let used = scan::record(src, kind, item, diags);
        let mut ctx = Ctx::new(relp, diags);
        if let Some(mut r) = kinds::decode(&mut ctx, kind, id, item, &site.sectors, bulk)
            && !id.is_empty()
        {
            r.meta.privacy_used = used;
            records.push(r);
        }
    };
    match &node.value {
        Value::Seq(items) if kind == Kind::Actions => {
            if items.is_empty() {
                diags.push(
                    report(relp, node.pos, "", "批量文件中没有记录")
                        .expected("至少一条带「编号」的记录")
                        .found("空列表")
                        .warning(),
                );
            }
            for item in items {
                let id = bulk_id(relp, item, diags);
                one(item, &id, true, diags);
            }
        }
        _ => {
            if !kinds::valid_id(stem) {
                diags.push(
                    report(relp, Pos::FILE, "", "文件名不能作为记录编号")
                        .expected("小写字母、数字和连字符，以字母或数字开头，例如 hc-2022-001.yaml")
                        .found(stem.to_string()),
                );
            }
            one(node, stem, false, diags);
        }
    }
    records
}

/// The id of an item in a bulk file: its `编号`.
pub(super) fn bulk_id(relp: &str, item: &yaml::Node, diags: &mut Diagnostics) -> String {
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
pub(super) fn load_page(
    relp: &str,
    stem: &str,
    text: &str,
    diags: &mut Diagnostics,
) -> Option<Record> {
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
    let exceptions = scan::exceptions(&node);
    let offset = body.as_ptr() as usize - normalized.as_ptr() as usize;
    scan::controls(&src, &node, Some((body, offset)), diags);
    scan::links(&src, &node, Some((body, offset)), diags);
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

pub(super) fn shift(n: &mut yaml::Node, lines: u32) {
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
