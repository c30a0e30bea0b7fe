//! Authoring commands: `gongshi init DIR`, `gongshi new KIND ID [SITE]`,
//! `gongshi schema KIND`.

use super::{CONTENT_ERROR, OK, USAGE_ERROR};
use crate::content::fields::{json_schema, template};
use crate::content::kinds::valid_id;
use crate::content::model::Kind;
use std::path::Path;

/// The kinds a record can be created for.
pub fn record_kind(s: &str) -> Option<Kind> {
    Kind::from_dir(s).filter(|k| *k != Kind::Pages)
}

fn kinds_list() -> String {
    Kind::ALL
        .iter()
        .filter(|k| **k != Kind::Pages)
        .map(|k| k.dir())
        .collect::<Vec<_>>()
        .join("、")
}

pub fn schema(kind: &str) -> u8 {
    match record_kind(kind) {
        Some(k) => {
            println!(
                "{}",
                serde_json::to_string_pretty(&json_schema(k)).unwrap_or_default()
            );
            OK
        }
        None => {
            eprintln!("错误：未知的记录类别「{kind}」，应为：{}", kinds_list());
            USAGE_ERROR
        }
    }
}

pub fn new(kind: &str, id: &str, site: &Path, today: chrono::NaiveDate) -> u8 {
    let Some(k) = record_kind(kind) else {
        eprintln!("错误：未知的记录类别「{kind}」，应为：{}", kinds_list());
        return USAGE_ERROR;
    };
    if !valid_id(id) {
        eprintln!(
            "错误：编号「{id}」不合规定，应为小写字母、数字和连字符，以字母或数字开头，例如 hc-2026-001"
        );
        return USAGE_ERROR;
    }
    if let Some(page) = crate::check::generated_page(k, id) {
        eprintln!(
            "错误：编号「{id}」与站点自动生成的页面同名：{}/{id}.html 是{page}，请另取编号",
            k.dir()
        );
        return USAGE_ERROR;
    }
    if !site.join("content").is_dir() {
        eprintln!(
            "错误：{} 不是站点目录（缺少 content/），可用 gongshi init 创建",
            site.display()
        );
        return USAGE_ERROR;
    }
    // The id must be free, also among the items of bulk files.
    let (content, _) = crate::content::load(site);
    if let Some(r) = content
        .records
        .iter()
        .find(|r| r.meta.kind == k && r.meta.id == id)
    {
        eprintln!("错误：编号「{id}」已存在：{}", r.meta.path);
        return CONTENT_ERROR;
    }
    let path = site
        .join("content")
        .join(k.dir())
        .join(format!("{id}.yaml"));
    if std::fs::symlink_metadata(&path).is_ok() {
        eprintln!("错误：文件已存在：{}", path.display());
        return CONTENT_ERROR;
    }
    // Written only inside the site's content/, never through a link.
    let inside = crate::output::paths::resolve(&path)
        .starts_with(crate::output::paths::resolve(site).join("content"));
    if !inside {
        eprintln!(
            "错误：{} 指向站点的 content/ 之外（符号链接），已拒绝",
            path.display()
        );
        return USAGE_ERROR;
    }
    let write = std::fs::create_dir_all(path.parent().unwrap_or(site)).and_then(|_| {
        use std::io::Write;
        // Never replace a file that appeared meanwhile.
        std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&path)
            .and_then(|mut f| f.write_all(template(k, today).as_bytes()))
    });
    match write {
        Ok(()) => {
            write_schemas(site);
            println!("{}", path.display());
            OK
        }
        Err(e) => {
            eprintln!("错误：无法写入 {}：{e}", path.display());
            USAGE_ERROR
        }
    }
}

/// `schemas/KIND.json` for every kind, and editor settings that use them.
fn write_schemas(site: &Path) {
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
];

pub fn init(dir: &Path) -> u8 {
    let resolved = crate::output::paths::resolve(dir);
    let home = std::env::var_os("HOME").map(|h| crate::output::paths::resolve(Path::new(&h)));
    if resolved.parent().is_none() || home.is_some_and(|h| h == resolved) {
        eprintln!(
            "错误：不能在文件系统的根目录或用户主目录中直接创建站点：{}",
            dir.display()
        );
        return USAGE_ERROR;
    }
    let dir = resolved.as_path();
    if std::fs::symlink_metadata(dir).is_ok_and(|m| !m.is_dir()) {
        eprintln!("错误：路径已存在且不是目录：{}", dir.display());
        return USAGE_ERROR;
    }
    if dir.exists()
        && std::fs::read_dir(dir)
            .map(|mut d| d.next().is_some())
            .unwrap_or(true)
    {
        eprintln!("错误：目录已存在且不为空：{}", dir.display());
        return USAGE_ERROR;
    }
    for (rel, text) in EXAMPLE {
        let p = dir.join(rel);
        let ok = std::fs::create_dir_all(p.parent().unwrap_or(dir))
            .and_then(|_| std::fs::write(&p, text));
        if let Err(e) = ok {
            eprintln!("错误：无法写入 {}：{e}", p.display());
            return USAGE_ERROR;
        }
    }
    let _ = std::fs::write(
        dir.join(".gitignore"),
        "/public\n/.public.lock\n/.public.tantivy\n/.public.pages.json\n/.gongshi-cache\n",
    );
    write_schemas(dir);
    println!("已创建站点：{}", dir.display());
    println!("下一步：cd {} && gongshi serve", dir.display());
    OK
}
