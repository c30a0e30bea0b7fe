//! `gongshi deploy`: a finished build into an S3-compatible store, through
//! `object_store` (endpoint, region and credentials from the standard
//! `AWS_*` environment variables; retries with backoff are its own).
//!
//! Only what changed is uploaded: the bucket keeps a manifest of every
//! file's SHA-256 under the prefix. Uploads go in an order that never
//! leaves a visitor a page that points at a missing object — assets and
//! the search index first, then pages and data, then the entry points
//! (index, search, feeds, sitemap) — and objects that are gone are deleted
//! only after every upload has succeeded; the manifest is written last.
//! Nothing outside the prefix is listed, written or deleted.

use futures::{StreamExt, TryStreamExt};
use object_store::aws::AmazonS3Builder;
use object_store::path::Path as ObjectPath;
use object_store::{Attribute, Attributes, ObjectStore, PutOptions, PutPayload};
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

/// The manifest's name under the prefix.
pub const MANIFEST: &str = ".gongshi-deploy.json";
/// Uploads at once.
const PARALLEL: usize = 8;

pub struct DeployOptions {
    pub out: PathBuf,
    /// `s3://BUCKET/PREFIX`
    pub to: String,
    pub dry_run: bool,
}

/// What a deploy did (or, with `--dry-run`, would do).
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Summary {
    pub uploaded: usize,
    pub uploaded_bytes: u64,
    pub unchanged: usize,
    pub deleted: usize,
}

/// `s3://BUCKET/PREFIX` → (bucket, prefix without slashes at its ends).
pub fn parse_target(to: &str) -> Result<(String, String), String> {
    let rest = to
        .strip_prefix("s3://")
        .ok_or_else(|| format!("目标应写作 s3://存储桶/前缀：{to}"))?;
    let (bucket, prefix) = rest.split_once('/').unwrap_or((rest, ""));
    if bucket.is_empty() {
        return Err(format!("目标缺少存储桶名称：{to}"));
    }
    let prefix = prefix.trim_matches('/');
    if prefix.split('/').any(|p| p == ".." || p == ".") {
        return Err(format!("前缀不能含有「.」或「..」：{to}"));
    }
    Ok((bucket.to_string(), prefix.to_string()))
}

/// The files of a finished build, by site path, with their SHA-256; an
/// error if `out` is not one.
pub fn local_files(out: &Path) -> Result<BTreeMap<String, (PathBuf, String)>, String> {
    let marker = std::fs::read_to_string(out.join(crate::output::MARKER));
    let Ok(marker) = marker else {
        return Err(format!(
            "{} 不是 gongshi 生成的完整输出目录（缺少 {}）：请先运行 gongshi build",
            out.display(),
            crate::output::MARKER
        ));
    };
    if marker.lines().any(|l| l == crate::output::PREVIEW) {
        return Err(format!(
            "{} 是含草稿和定时发布记录的预览（build --drafts），不能发布：请不加 --drafts 重新构建",
            out.display()
        ));
    }
    let mut files = BTreeMap::new();
    for e in walkdir::WalkDir::new(out).min_depth(1).sort_by_file_name() {
        let e = e.map_err(|e| format!("无法读取输出目录：{e}"))?;
        let rel = crate::content::rel(out, e.path());
        // Hidden files (the output's marker, a staging area) are not the site.
        if rel.split('/').any(|p| p.starts_with('.')) || !e.file_type().is_file() {
            continue;
        }
        let bytes = std::fs::read(e.path()).map_err(|err| format!("无法读取 {rel}：{err}"))?;
        let hash = hex(&Sha256::digest(&bytes));
        files.insert(rel, (e.path().to_path_buf(), hash));
    }
    Ok(files)
}

fn hex(b: &[u8]) -> String {
    b.iter().map(|x| format!("{x:02x}")).collect()
}

/// When a file goes up: 0 assets and the search index, 1 pages and data,
/// 2 the entry points a visitor starts from.
pub fn wave(rel: &str) -> u8 {
    let entry = matches!(
        rel,
        "index.html"
            | "search.html"
            | "feed.xml"
            | "sitemap.xml"
            | "sitemap.html"
            | "robots.txt"
            | "404.html"
    ) || rel.starts_with("feeds/");
    if rel.starts_with("assets/") || rel.starts_with("search/") || rel == "favicon.ico" {
        0
    } else if entry {
        2
    } else {
        1
    }
}

/// `Content-Type` (with its charset) and `Cache-Control` of a site file:
/// content-hashed files never change; pages, feeds and data are asked for
/// again after five minutes.
pub fn metadata(rel: &str) -> (&'static str, &'static str) {
    let ctype = crate::output::content_type(rel);
    let hashed_asset = rel.starts_with("assets/")
        && rel
            .rsplit('/')
            .next()
            .and_then(|n| n.split('.').nth(1))
            .is_some_and(|h| h.len() == 10 && h.bytes().all(|b| b.is_ascii_hexdigit()));
    // The manifest and the facet table are named by their content; the
    // tiers' files keep their names when their content changes (a new
    // record rewrites only a few of them), and are asked for again.
    let hashed_index = rel.starts_with("search/")
        && !rel[7..].contains('/')
        && rel
            .split('.')
            .nth(1)
            .is_some_and(|h| h.len() == 10 && h.bytes().all(|b| b.is_ascii_hexdigit()));
    let cache = if hashed_asset || hashed_index {
        "public, max-age=31536000, immutable"
    } else if rel.starts_with("search/") {
        // Kept by the browser, asked again (a 304 when unchanged) each
        // time: a shard never meets a manifest it does not belong with.
        "public, no-cache"
    } else {
        "public, max-age=300"
    };
    (ctype, cache)
}

fn store(bucket: &str) -> Result<Arc<dyn ObjectStore>, String> {
    let mut b = AmazonS3Builder::from_env().with_bucket_name(bucket);
    let endpoint = std::env::var("AWS_ENDPOINT_URL")
        .or_else(|_| std::env::var("AWS_ENDPOINT"))
        .unwrap_or_default();
    if endpoint.starts_with("http://") {
        b = b.with_allow_http(true);
    }
    if !endpoint.is_empty() {
        let virtual_hosted = std::env::var("AWS_VIRTUAL_HOSTED_STYLE_REQUEST").is_ok_and(|v| {
            ["1", "true", "yes", "on", "y"].contains(&v.trim().to_lowercase().as_str())
        });
        if virtual_hosted {
            // Stores that take the bucket in the host name only (Alibaba
            // Cloud OSS, Tencent Cloud COS) are named by their region's
            // endpoint; the bucket goes in front of it.
            b = b
                .with_virtual_hosted_style_request(true)
                .with_endpoint(bucket_host(&endpoint, bucket));
        } else {
            // Other S3-compatible stores on their own hosts take the
            // bucket in the path.
            b = b.with_virtual_hosted_style_request(false);
        }
    }
    b.build()
        .map(|s| Arc::new(s) as Arc<dyn ObjectStore>)
        .map_err(|e| format!("无法连接对象存储：{e}"))
}

/// `endpoint` (`scheme://host[:port][/…]`) with `bucket` as the first
/// label of its host, unless it is there already.
fn bucket_host(endpoint: &str, bucket: &str) -> String {
    let (scheme, rest) = endpoint.split_once("://").unwrap_or(("https", endpoint));
    let host = rest.split(['/', ':']).next().unwrap_or(rest);
    if host
        .strip_prefix(bucket)
        .is_some_and(|after| after.starts_with('.'))
    {
        return endpoint.trim_end_matches('/').to_string();
    }
    format!("{scheme}://{bucket}.{}", rest.trim_end_matches('/'))
}

fn key(prefix: &str, rel: &str) -> ObjectPath {
    if prefix.is_empty() {
        ObjectPath::from(rel)
    } else {
        ObjectPath::from(format!("{prefix}/{rel}"))
    }
}

/// Deploy; the summary, or why it stopped (in words).
pub fn run(opts: &DeployOptions, progress: bool) -> Result<Summary, String> {
    let (bucket, prefix) = parse_target(&opts.to)?;
    let local = local_files(&opts.out)?;
    let store = store(&bucket)?;
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .map_err(|e| e.to_string())?;
    rt.block_on(deploy(store, &prefix, &local, opts.dry_run, progress))
}

async fn deploy(
    store: Arc<dyn ObjectStore>,
    prefix: &str,
    local: &BTreeMap<String, (PathBuf, String)>,
    dry_run: bool,
    progress: bool,
) -> Result<Summary, String> {
    let failed = |e: object_store::Error| format!("对象存储操作失败：{e}");
    // What the bucket holds under the prefix, and the hashes it was given.
    let base = (!prefix.is_empty()).then(|| ObjectPath::from(prefix));
    let listed: Vec<String> = store
        .list(base.as_ref())
        .map_ok(|m| m.location.to_string())
        .try_collect()
        .await
        .map_err(failed)?;
    let strip = |k: &str| -> String {
        if prefix.is_empty() {
            k.to_string()
        } else {
            k.strip_prefix(&format!("{prefix}/"))
                .unwrap_or(k)
                .to_string()
        }
    };
    let remote: std::collections::BTreeSet<String> = listed.iter().map(|k| strip(k)).collect();
    let manifest: BTreeMap<String, String> = match store.get(&key(prefix, MANIFEST)).await {
        Ok(r) => serde_json::from_slice(&r.bytes().await.map_err(failed)?).unwrap_or_default(),
        Err(object_store::Error::NotFound { .. }) => BTreeMap::new(),
        Err(e) => return Err(failed(e)),
    };
    let mut summary = Summary::default();
    let mut waves: [Vec<&String>; 3] = Default::default();
    for (rel, (_, hash)) in local {
        if remote.contains(rel) && manifest.get(rel) == Some(hash) {
            summary.unchanged += 1;
        } else {
            waves[wave(rel) as usize].push(rel);
        }
    }
    let gone: Vec<&String> = remote
        .iter()
        .filter(|r| !local.contains_key(*r) && r.as_str() != MANIFEST)
        .collect();
    if dry_run {
        summary.uploaded = waves.iter().map(Vec::len).sum();
        summary.uploaded_bytes = waves
            .iter()
            .flatten()
            .filter_map(|r| std::fs::metadata(&local[*r].0).ok())
            .map(|m| m.len())
            .sum();
        summary.deleted = gone.len();
        return Ok(summary);
    }
    let (uploaded, uploaded_bytes) = upload(&store, prefix, local, &waves, progress).await?;
    // Only now, with every new file in place, what is gone goes.
    for rel in &gone {
        store
            .delete(&key(prefix, rel))
            .await
            .map_err(|e| format!("删除 {rel} 失败：{e}"))?;
    }
    let hashes: BTreeMap<&String, &String> = local.iter().map(|(k, (_, h))| (k, h)).collect();
    let body = serde_json::to_vec(&hashes).map_err(|e| e.to_string())?;
    store
        .put(&key(prefix, MANIFEST), PutPayload::from(body))
        .await
        .map_err(failed)?;
    summary.uploaded = uploaded;
    summary.uploaded_bytes = uploaded_bytes;
    summary.deleted = gone.len();
    Ok(summary)
}

/// Upload each wave in turn, a few files at a time; how many and how many
/// bytes.
async fn upload(
    store: &Arc<dyn ObjectStore>,
    prefix: &str,
    local: &BTreeMap<String, (PathBuf, String)>,
    waves: &[Vec<&String>; 3],
    progress: bool,
) -> Result<(usize, u64), String> {
    let total: usize = waves.iter().map(Vec::len).sum();
    let done = AtomicUsize::new(0);
    let bytes = std::sync::atomic::AtomicU64::new(0);
    for wave in waves {
        futures::stream::iter(wave.iter().map(|rel| {
            let (path, _) = &local[*rel];
            let store = Arc::clone(store);
            let (done, bytes) = (&done, &bytes);
            async move {
                let body = tokio::fs::read(path)
                    .await
                    .map_err(|e| format!("无法读取 {rel}：{e}"))?;
                bytes.fetch_add(body.len() as u64, Ordering::Relaxed);
                let (ctype, cache) = metadata(rel);
                let mut attributes = Attributes::new();
                attributes.insert(Attribute::ContentType, ctype.into());
                attributes.insert(Attribute::CacheControl, cache.into());
                let opts = PutOptions {
                    attributes,
                    ..Default::default()
                };
                store
                    .put_opts(&key(prefix, rel), PutPayload::from(body), opts)
                    .await
                    .map_err(|e| format!("上传 {rel} 失败：{e}"))?;
                let n = done.fetch_add(1, Ordering::Relaxed) + 1;
                if progress {
                    let width = 30;
                    let filled = width * n / total.max(1);
                    eprint!(
                        "\r\x1b[K上传 [{}{}] {n}/{total}",
                        "#".repeat(filled),
                        "-".repeat(width - filled)
                    );
                }
                Ok::<(), String>(())
            }
        }))
        .buffer_unordered(PARALLEL)
        .try_collect::<Vec<()>>()
        .await?;
    }
    if progress && total > 0 {
        eprint!("\r\x1b[K");
    }
    Ok((done.load(Ordering::Relaxed), bytes.load(Ordering::Relaxed)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn targets_metadata_and_order() {
        assert_eq!(
            parse_target("s3://site/disclosure/").unwrap(),
            ("site".to_string(), "disclosure".to_string())
        );
        assert_eq!(parse_target("s3://site").unwrap().1, "");
        assert!(parse_target("https://x").is_err());
        assert!(parse_target("s3://b/../x").is_err());
        assert_eq!(
            metadata("assets/style.0123456789.css").1,
            "public, max-age=31536000, immutable"
        );
        assert_eq!(
            metadata("search/index.abcdef0123.json").1,
            "public, max-age=31536000, immutable"
        );
        assert_eq!(metadata("search/t0s512p256/s1.json").1, "public, no-cache");
        assert_eq!(metadata("search/d/d12.json").1, "public, no-cache");
        assert_eq!(
            metadata("cases/a.html"),
            ("text/html; charset=utf-8", "public, max-age=300")
        );
        assert_eq!(metadata("data/cases.csv").0, "text/csv; charset=utf-8");
        assert_eq!(wave("assets/style.0123456789.css"), 0);
        assert_eq!(wave("cases/a.html"), 1);
        assert_eq!(wave("index.html"), 2);
        assert_eq!(wave("feeds/cases.xml"), 2);
    }

    #[test]
    fn a_virtual_hosted_store_gets_its_bucket_in_the_host() {
        let cases = [
            // A region's endpoint, as OSS and COS name them.
            (
                "https://oss-cn-beijing.aliyuncs.com",
                "https://gs.oss-cn-beijing.aliyuncs.com",
            ),
            (
                "https://cos.ap-guangzhou.myqcloud.com/",
                "https://gs.cos.ap-guangzhou.myqcloud.com",
            ),
            ("http://127.0.0.1:8333", "http://gs.127.0.0.1:8333"),
            ("s3.example.gov.cn", "https://gs.s3.example.gov.cn"),
            // The bucket named already.
            (
                "https://gs.oss-cn-beijing.aliyuncs.com/",
                "https://gs.oss-cn-beijing.aliyuncs.com",
            ),
            // A host that only starts with the bucket's letters.
            ("https://gsx.example.com", "https://gs.gsx.example.com"),
        ];
        for (endpoint, want) in cases {
            assert_eq!(bucket_host(endpoint, "gs"), want, "{endpoint}");
        }
    }
}
