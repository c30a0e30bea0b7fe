//! Writing the files staff start from: a new site (`init`), a new record
//! pre-filled with every field (`new`), and the JSON Schemas that editors
//! complete and check against. Only inside the site's own directories,
//! never through a link, never over a file.

pub mod agenda;
pub mod import;

use crate::content::fields::{json_schema, template};
use crate::content::kinds::valid_id;
use crate::content::model::Kind;
use crate::output::paths::resolve;
use std::path::{Path, PathBuf};

/// Why something could not be written: a problem of the content (the id
/// is taken), or of the request (exit status 1 and 2).
#[derive(Debug)]
pub enum Refused {
    Content(String),
    Usage(String),
}

/// The kinds a record can be created for.
pub fn record_kind(s: &str) -> Option<Kind> {
    Kind::from_dir(s).filter(|k| *k != Kind::Pages)
}

/// The kinds a record can be created for, as a message lists them.
pub fn kinds_list() -> String {
    Kind::ALL
        .iter()
        .filter(|k| **k != Kind::Pages)
        .map(|k| k.dir())
        .collect::<Vec<_>>()
        .join("、")
}

/// Write a new record of `kind` with `id` into `site`; its path.
pub fn new_record(
    kind: &str,
    id: &str,
    site: &Path,
    today: chrono::NaiveDate,
) -> Result<PathBuf, Refused> {
    use Refused::{Content, Usage};
    let Some(k) = record_kind(kind) else {
        return Err(Usage(format!(
            "未知的记录类别「{kind}」，应为：{}",
            kinds_list()
        )));
    };
    if !valid_id(id) {
        return Err(Usage(format!(
            "编号「{id}」不合规定，应为小写字母、数字和连字符，以字母或数字开头，例如 hc-2026-001"
        )));
    }
    if let Some(page) = crate::check::generated_page(k, id) {
        return Err(Usage(format!(
            "编号「{id}」与站点自动生成的页面同名：{}/{id}.html 是{page}，请另取编号",
            k.dir()
        )));
    }
    if !site.join("content").is_dir() {
        return Err(Usage(format!(
            "{} 不是站点目录（缺少 content/），可用 gongshi init 创建",
            site.display()
        )));
    }
    // The id must be free, also among the items of bulk files.
    let (content, _) = crate::content::load(site);
    if let Some(r) = content
        .records
        .iter()
        .find(|r| r.meta.kind == k && r.meta.id == id)
    {
        return Err(Content(format!("编号「{id}」已存在：{}", r.meta.path)));
    }
    let path = site
        .join("content")
        .join(k.dir())
        .join(format!("{id}.yaml"));
    if std::fs::symlink_metadata(&path).is_ok() {
        return Err(Content(format!("文件已存在：{}", path.display())));
    }
    // Written only inside the site's content/, never through a link.
    if !resolve(&path).starts_with(resolve(site).join("content")) {
        return Err(Usage(format!(
            "{} 指向站点的 content/ 之外（符号链接），已拒绝",
            path.display()
        )));
    }
    let write = std::fs::create_dir_all(path.parent().unwrap_or(site)).and_then(|_| {
        use std::io::Write;
        // Never replace a file that appeared meanwhile.
        std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&path)
            .and_then(|mut f| f.write_all(template(k, Some(today)).as_bytes()))
    });
    write.map_err(|e| Usage(format!("无法写入 {}：{e}", path.display())))?;
    write_schemas(site);
    Ok(path)
}

/// `schemas/KIND.json` for every kind, and editor settings that use them.
pub fn write_schemas(site: &Path) {
    let dir = site.join("schemas");
    let _ = std::fs::create_dir_all(&dir);
    let mut map = serde_json::Map::new();
    for k in Kind::ALL.iter().filter(|k| **k != Kind::Pages) {
        let file = dir.join(format!("{}.json", k.dir()));
        let _ = std::fs::write(
            &file,
            serde_json::to_string_pretty(&json_schema(*k)).unwrap_or_default() + "\n",
        );
        map.insert(
            format!("schemas/{}.json", k.dir()),
            serde_json::json!([format!("content/{}/*.yaml", k.dir())]),
        );
    }
    let vscode = site.join(".vscode");
    let settings = vscode.join("settings.json");
    if !settings.exists() {
        let _ = std::fs::create_dir_all(&vscode);
        let v = serde_json::json!({ "yaml.schemas": map });
        let _ = std::fs::write(
            settings,
            serde_json::to_string_pretty(&v).unwrap_or_default() + "\n",
        );
    }
}

macro_rules! example {
    ($path:literal) => {
        ($path, include_str!(concat!("init/", $path)))
    };
}

/// The example site `init` writes.
const EXAMPLE: &[(&str, &str)] = &[
    example!("content/site.yaml"),
    example!("content/cases/tc-2022-001.yaml"),
    example!("content/actions/ta-2022-001.yaml"),
    example!("content/hazards/th-2022-001.yaml"),
    example!("content/accountability/tq-2022-001.yaml"),
    example!("content/clues/tx-2022-001.yaml"),
    example!("content/blacklist/tb-2022-001.yaml"),
    example!("content/daily/2022-01-20.yaml"),
    example!("content/pages/about.md"),
    example!("content/pages/contact.md"),
    example!("content/pages/privacy.md"),
    example!(".gitlab-ci.yml"),
    example!(".github/workflows/gongshi.yml"),
    example!(".githooks/pre-commit"),
    example!("ci/check.sh"),
    example!("ci/publish.sh"),
    example!("ci/gongshi.sh"),
];

/// Write a new site into `dir` (absent or empty); the directory written.
pub fn init_site(dir: &Path) -> Result<PathBuf, String> {
    let resolved = resolve(dir);
    let home = std::env::var_os("HOME").map(|h| resolve(Path::new(&h)));
    if resolved.parent().is_none() || home.is_some_and(|h| h == resolved) {
        return Err(format!(
            "不能在文件系统的根目录或用户主目录中直接创建站点：{}",
            dir.display()
        ));
    }
    let dir = resolved.as_path();
    if std::fs::symlink_metadata(dir).is_ok_and(|m| !m.is_dir()) {
        return Err(format!("路径已存在且不是目录：{}", dir.display()));
    }
    // A freshly made repository (only its `.git`) is empty for this.
    let non_empty = dir.exists()
        && std::fs::read_dir(dir)
            .map(|d| d.flatten().any(|e| e.file_name() != ".git"))
            .unwrap_or(true);
    if non_empty {
        return Err(format!("目录已存在且不为空：{}", dir.display()));
    }
    for (rel, text) in EXAMPLE {
        let p = dir.join(rel);
        std::fs::create_dir_all(p.parent().unwrap_or(dir))
            .and_then(|_| std::fs::write(&p, text))
            .map_err(|e| format!("无法写入 {}：{e}", p.display()))?;
        #[cfg(unix)]
        if text.starts_with("#!") {
            use std::os::unix::fs::PermissionsExt;
            let _ = std::fs::set_permissions(&p, std::fs::Permissions::from_mode(0o755));
        }
    }
    let _ = std::fs::write(
        dir.join(".gitignore"),
        "/public\n/.public.lock\n/.public.tantivy\n/.public.pages.json\n/.public.links\n/.public.search-kept\n/.public.spare\n/.public.spare.state\n/.gongshi-cache\n/.cargo\n",
    );
    write_schemas(dir);
    Ok(resolved)
}
