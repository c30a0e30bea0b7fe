//! `gongshi deploy`: a finished build into an S3-compatible store, through
//! `object_store` (endpoint, region and credentials from the standard
//! `AWS_*` environment variables; retries with backoff, up to minutes).
//!
//! Only what changed is uploaded: the bucket keeps a manifest of every
//! file gongshi put under the prefix, with its SHA-256 and the ETag the
//! store gave it. A file is unchanged when its hash is the manifest's and
//! the object still has the manifest's ETag — an object someone else
//! overwrote, or one a killed deploy left half-way, is put again.
//!
//! Order: before any upload a small object beside the manifest lists what
//! is about to change as pending (so a killed deploy leaves it known, and
//! the next one finishes or removes it); new objects go up first (nothing links to them yet),
//! then changed ones — assets and the search index, pages and data, the
//! entry points (index, search, feeds, sitemap) — so that no page ever
//! points at a missing object; objects that are gone are deleted only
//! after every upload has succeeded, and only those gongshi put there:
//! an object under the prefix that it never wrote is left alone. Nothing
//! outside the prefix is listed, written or deleted.

use crate::base::hex;
use futures::{StreamExt, TryStreamExt};
use object_store::aws::AmazonS3Builder;
use object_store::path::Path as ObjectPath;
use object_store::{Attribute, Attributes, ObjectStore, PutOptions, PutPayload};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

/// The manifest's name under the prefix.
pub const MANIFEST: &str = ".gongshi-deploy.json";
/// Beside it while a deploy is under way: the files it is about to put
/// (a short list, where the manifest lists the whole site).
pub const PENDING: &str = ".gongshi-deploy-pending.json";
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
    /// Objects under the prefix that gongshi did not put there: left
    /// alone.
    pub foreign: usize,
}

/// Why a deploy stopped, and what it had done by then.
#[derive(Debug)]
pub struct Failure {
    pub message: String,
    /// Files uploaded before it stopped: the site may be partly new.
    pub uploaded: usize,
}

impl From<String> for Failure {
    fn from(message: String) -> Failure {
        Failure {
            message,
            uploaded: 0,
        }
    }
}

/// The manifest kept under the prefix: each file gongshi put there, with
/// its SHA-256 and the ETag the store gave it; and the files of a deploy
/// under way, which may or may not be in the store.
#[derive(Debug, Default, Serialize, Deserialize)]
struct Manifest {
    v: u32,
    files: BTreeMap<String, Put>,
    #[serde(default, skip_serializing_if = "BTreeSet::is_empty")]
    pending: BTreeSet<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
struct Put {
    sha: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    etag: Option<String>,
}

impl Manifest {
    /// The manifest's text as the store holds it: this format, or the
    /// first one (a map of file to hash, no ETags).
    fn read(bytes: &[u8]) -> Manifest {
        if let Ok(m) = serde_json::from_slice::<Manifest>(bytes) {
            return m;
        }
        let first: BTreeMap<String, String> = serde_json::from_slice(bytes).unwrap_or_default();
        Manifest {
            v: 2,
            files: first
                .into_iter()
                .map(|(k, sha)| (k, Put { sha, etag: None }))
                .collect(),
            pending: BTreeSet::new(),
        }
    }

    /// Whether gongshi put `rel` there (or may have).
    fn owns(&self, rel: &str) -> bool {
        self.files.contains_key(rel) || self.pending.contains(rel)
    }
}

/// An ETag without its quotes and weak mark, as list and put give it.
fn etag(e: Option<&String>) -> Option<String> {
    e.map(|e| e.trim_start_matches("W/").trim_matches('"').to_string())
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
    if !prefix.is_empty() && prefix.split('/').any(str::is_empty) {
        return Err(format!("前缀中不能有空的一级（连续的「//」）：{to}"));
    }
    if prefix.chars().any(|c| c.is_control()) {
        return Err(format!("前缀中不能有控制字符：{to}"));
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
    // A build writes what it made into the marker when it finishes: an
    // output without it is one a build never finished (a staging area
    // left by a killed build), and one whose files differ from it was
    // changed since.
    let Some(finished) = crate::output::Finished::of_marker(&marker) else {
        return Err(format!(
            "{} 不是构建完成的输出目录（构建没有完成，或由旧版本生成）：请重新运行 gongshi build",
            out.display()
        ));
    };
    let mut files = BTreeMap::new();
    let mut bytes = 0u64;
    for e in walkdir::WalkDir::new(out).min_depth(1).sort_by_file_name() {
        let e = e.map_err(|e| format!("无法读取输出目录：{e}"))?;
        let rel = crate::content::rel(out, e.path());
        // Hidden files (the output's marker, a staging area) are not the site.
        if rel.split('/').any(|p| p.starts_with('.')) || !e.file_type().is_file() {
            continue;
        }
        let body = std::fs::read(e.path())
            .map_err(|err| format!("无法读取 {rel}：{}", crate::diag::io_reason(&err)))?;
        bytes += body.len() as u64;
        let hash = hex(&Sha256::digest(&body));
        files.insert(rel, (e.path().to_path_buf(), hash));
    }
    if files.len() != finished.files || bytes != finished.bytes {
        return Err(format!(
            "{} 与构建完成时不同（构建时 {} 个文件、{} 字节，现在 {} 个文件、{bytes} 字节）：输出被改动过，请重新运行 gongshi build",
            out.display(),
            finished.files,
            finished.bytes,
            files.len()
        ));
    }
    Ok(files)
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

/// Retries: a store that restarts or fails over for a minute or two is
/// waited for, from a tenth of a second between tries to twenty.
fn retry() -> object_store::RetryConfig {
    object_store::RetryConfig {
        backoff: object_store::BackoffConfig {
            init_backoff: std::time::Duration::from_millis(100),
            max_backoff: std::time::Duration::from_secs(20),
            base: 2.0,
        },
        max_retries: 15,
        retry_timeout: std::time::Duration::from_secs(180),
    }
}

fn store(bucket: &str) -> Result<Arc<dyn ObjectStore>, String> {
    let mut b = AmazonS3Builder::from_env()
        .with_bucket_name(bucket)
        .with_retry(retry());
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

/// The object of `rel` under `prefix`, its key as written (UTF-8, not
/// percent-encoded: `object_store` encodes it once for the request).
fn key(prefix: &str, rel: &str) -> Result<ObjectPath, String> {
    let raw = if prefix.is_empty() {
        rel.to_string()
    } else {
        format!("{prefix}/{rel}")
    };
    ObjectPath::parse(&raw).map_err(|_| format!("不能作为对象名：{raw}"))
}

/// What went wrong with the store, in words for the staff who run the
/// deploy (the library's message is English, and may hold a page of XML).
fn in_words(e: &object_store::Error, bucket: &str) -> String {
    let raw = e.to_string();
    let has = |s: &str| raw.contains(s);
    let why = if has("NoSuchBucket") {
        format!("存储桶「{bucket}」不存在：请先在对象存储中创建它，或检查 --to 的写法")
    } else if has("SignatureDoesNotMatch")
        || has("InvalidAccessKeyId")
        || has("AccessDenied")
        || has("403")
    {
        "存储拒绝了凭据：请检查 AWS_ACCESS_KEY_ID、AWS_SECRET_ACCESS_KEY 是否正确，以及它们对这个存储桶是否有读写权限".to_string()
    } else if has("169.254.169.254") || has("credential") || has("Credential") {
        "没有取得访问凭据：请设置 AWS_ACCESS_KEY_ID 和 AWS_SECRET_ACCESS_KEY（或在云主机上配置实例角色）".to_string()
    } else if has("error sending request")
        || has("Connection refused")
        || has("connect")
        || has("dns")
        || has("timed out")
    {
        "连接不上对象存储（已多次重试）：请检查 AWS_ENDPOINT_URL 和网络".to_string()
    } else {
        // Its first line, without the XML a store sends.
        let first = raw.lines().next().unwrap_or("");
        let first = first.split('<').next().unwrap_or(first).trim();
        format!("对象存储操作失败：{first}")
    };
    crate::diag::escape_controls(&why).into_owned()
}

/// Deploy; the summary, or why it stopped (in words) and what was done.
pub fn run(opts: &DeployOptions, progress: bool) -> Result<Summary, Failure> {
    let (bucket, prefix) = parse_target(&opts.to)?;
    let local = local_files(&opts.out)?;
    for rel in local.keys() {
        key(&prefix, rel)?;
    }
    let store = store(&bucket)?;
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .map_err(|e| e.to_string())?;
    let target = Target {
        store,
        bucket,
        prefix,
    };
    rt.block_on(deploy(&target, &local, opts.dry_run, progress))
}

/// The store and the place in it.
struct Target {
    store: Arc<dyn ObjectStore>,
    bucket: String,
    prefix: String,
}

impl Target {
    fn failed(&self, e: object_store::Error) -> String {
        in_words(&e, &self.bucket)
    }

    /// What the bucket holds under the prefix: each object's site path
    /// and ETag.
    async fn listing(&self) -> Result<BTreeMap<String, Option<String>>, String> {
        let base = (!self.prefix.is_empty())
            .then(|| ObjectPath::parse(&self.prefix))
            .transpose()
            .map_err(|_| format!("不能作为前缀：{}", self.prefix))?;
        let listed: Vec<(String, Option<String>)> = self
            .store
            .list(base.as_ref())
            .map_ok(|m| (m.location.as_ref().to_string(), etag(m.e_tag.as_ref())))
            .try_collect()
            .await
            .map_err(|e| self.failed(e))?;
        let under = format!("{}/", self.prefix);
        Ok(listed
            .into_iter()
            .filter_map(|(k, e)| {
                let rel = if self.prefix.is_empty() {
                    Some(k.as_str())
                } else {
                    k.strip_prefix(&under)
                };
                rel.map(|r| (r.to_string(), e))
            })
            .collect())
    }

    async fn manifest(&self) -> Result<Option<Manifest>, String> {
        match self.store.get(&key(&self.prefix, MANIFEST)?).await {
            Ok(r) => {
                let bytes = r.bytes().await.map_err(|e| self.failed(e))?;
                Ok(Some(Manifest::read(&bytes)))
            }
            Err(object_store::Error::NotFound { .. }) => Ok(None),
            Err(e) => Err(self.failed(e)),
        }
    }

    /// The files a deploy under way (or killed) was about to put.
    async fn pending(&self) -> Result<BTreeSet<String>, String> {
        match self.store.get(&key(&self.prefix, PENDING)?).await {
            Ok(r) => {
                let bytes = r.bytes().await.map_err(|e| self.failed(e))?;
                Ok(serde_json::from_slice(&bytes).unwrap_or_default())
            }
            Err(object_store::Error::NotFound { .. }) => Ok(BTreeSet::new()),
            Err(e) => Err(self.failed(e)),
        }
    }

    async fn put_pending(&self, pending: &BTreeSet<String>) -> Result<(), String> {
        let body = serde_json::to_vec(pending).map_err(|e| e.to_string())?;
        self.put_json(PENDING, body).await
    }

    async fn put_manifest(&self, m: &Manifest) -> Result<(), String> {
        let body = serde_json::to_vec(m).map_err(|e| e.to_string())?;
        self.put_json(MANIFEST, body).await
    }

    async fn put_json(&self, name: &str, body: Vec<u8>) -> Result<(), String> {
        let mut attributes = Attributes::new();
        attributes.insert(Attribute::ContentType, "application/json".into());
        attributes.insert(Attribute::CacheControl, "no-store".into());
        let opts = PutOptions {
            attributes,
            ..Default::default()
        };
        self.store
            .put_opts(&key(&self.prefix, name)?, PutPayload::from(body), opts)
            .await
            .map_err(|e| self.failed(e))?;
        Ok(())
    }
}

/// gongshi's own objects under the prefix, which are no site file.
fn own_object(rel: &str) -> bool {
    rel == MANIFEST || rel == PENDING
}

/// What a deploy is to do, from the output, the bucket and its manifest.
struct Plan<'l> {
    /// The files to upload, in groups each done before the next: new ones
    /// (nothing links to them yet), then changed ones; each wave by wave
    /// ([`wave`]).
    upload: Vec<Vec<&'l String>>,
    unchanged: Vec<&'l String>,
    /// Objects gongshi put there that the output no longer has.
    gone: Vec<String>,
    foreign: usize,
}

fn plan<'l>(
    local: &'l BTreeMap<String, (PathBuf, String)>,
    remote: &BTreeMap<String, Option<String>>,
    manifest: &Manifest,
) -> Plan<'l> {
    let mut fresh: [Vec<&String>; 3] = Default::default();
    let mut changed: [Vec<&String>; 3] = Default::default();
    let mut unchanged = Vec::new();
    for (rel, (_, hash)) in local {
        let same = match (remote.get(rel), manifest.files.get(rel)) {
            // A file a deploy was about to put may be old or new: put again.
            _ if manifest.pending.contains(rel) => false,
            (Some(now), Some(put)) => {
                &put.sha == hash && (put.etag.is_none() || now.is_none() || put.etag == *now)
            }
            _ => false,
        };
        if same {
            unchanged.push(rel);
        } else if remote.contains_key(rel) {
            changed[wave(rel) as usize].push(rel);
        } else {
            fresh[wave(rel) as usize].push(rel);
        }
    }
    let upload = fresh
        .into_iter()
        .chain(changed)
        .filter(|g| !g.is_empty())
        .collect();
    let gone = remote
        .keys()
        .filter(|r| !local.contains_key(*r) && !own_object(r) && manifest.owns(r))
        .cloned()
        .collect();
    let foreign = remote
        .keys()
        .filter(|r| !local.contains_key(*r) && !own_object(r) && !manifest.owns(r))
        .count();
    Plan {
        upload,
        unchanged,
        gone,
        foreign,
    }
}

async fn deploy(
    target: &Target,
    local: &BTreeMap<String, (PathBuf, String)>,
    dry_run: bool,
    progress: bool,
) -> Result<Summary, Failure> {
    let remote = target.listing().await?;
    let manifest = target.manifest().await?;
    let had_manifest = manifest.is_some();
    let mut manifest = manifest.unwrap_or_default();
    let was_pending = target.pending().await?;
    let had_pending = !was_pending.is_empty();
    manifest.pending.extend(was_pending);
    let plan = plan(local, &remote, &manifest);
    let mut summary = Summary {
        unchanged: plan.unchanged.len(),
        deleted: plan.gone.len(),
        foreign: plan.foreign,
        ..Summary::default()
    };
    // ETags the manifest lacks (a manifest of the first format), from the
    // listing: what a later deploy compares with.
    let learned = plan.unchanged.iter().any(|r| {
        manifest.files.get(*r).is_some_and(|p| p.etag.is_none())
            && remote.get(*r).is_some_and(Option::is_some)
    });
    if dry_run {
        summary.uploaded = plan.upload.iter().map(Vec::len).sum();
        summary.uploaded_bytes = plan
            .upload
            .iter()
            .flatten()
            .filter_map(|r| std::fs::metadata(&local[*r].0).ok())
            .map(|m| m.len())
            .sum();
        return Ok(summary);
    }
    let nothing_to_do = plan.upload.is_empty()
        && plan.gone.is_empty()
        && manifest.pending.is_empty()
        && had_manifest
        && !learned;
    if nothing_to_do {
        return Ok(summary);
    }
    // What is about to change is pending: a deploy killed from here on
    // leaves it known to the next, which puts it again or removes it.
    let mut pending = manifest.pending.clone();
    pending.extend(plan.upload.iter().flatten().map(|r| (*r).clone()));
    let wrote_pending = !plan.upload.is_empty();
    if wrote_pending {
        target.put_pending(&pending).await?;
    }
    let puts = upload(target, local, &plan.upload, progress).await?;
    summary.uploaded = puts.len();
    summary.uploaded_bytes = puts.iter().map(|p| p.1).sum();
    let clear_pending = wrote_pending || had_pending;
    finish(target, local, &remote, &plan.gone, puts, clear_pending)
        .await
        .map_err(|message| Failure {
            message,
            uploaded: summary.uploaded,
        })?;
    Ok(summary)
}

/// With every file up: delete what is gone, and write the manifest of
/// what the store now holds, nothing pending.
async fn finish(
    target: &Target,
    local: &BTreeMap<String, (PathBuf, String)>,
    remote: &BTreeMap<String, Option<String>>,
    gone: &[String],
    puts: Vec<Uploaded<'_>>,
    clear_pending: bool,
) -> Result<(), String> {
    for rel in gone {
        target
            .store
            .delete(&key(&target.prefix, rel)?)
            .await
            .map_err(|e| format!("删除 {rel} 失败：{}", target.failed(e)))?;
    }
    let mut etags: BTreeMap<&String, Option<String>> =
        puts.into_iter().map(|(rel, _, e)| (rel, e)).collect();
    let files = local
        .iter()
        .map(|(rel, (_, sha))| {
            let etag = etags
                .remove(rel)
                .unwrap_or_else(|| remote.get(rel).cloned().flatten());
            let put = Put {
                sha: sha.clone(),
                etag,
            };
            (rel.clone(), put)
        })
        .collect();
    let last = Manifest {
        v: 2,
        files,
        pending: BTreeSet::new(),
    };
    target.put_manifest(&last).await?;
    // Only now is nothing pending (killed between the two, the next
    // deploy puts the few files again).
    if clear_pending {
        target
            .store
            .delete(&key(&target.prefix, PENDING)?)
            .await
            .map_err(|e| target.failed(e))?;
    }
    Ok(())
}

/// A file uploaded: its path, bytes and ETag.
type Uploaded<'l> = (&'l String, u64, Option<String>);

/// Upload the groups of files in turn, a few files of a group at a time;
/// each file's path, bytes and ETag.
async fn upload<'l>(
    target: &Target,
    local: &'l BTreeMap<String, (PathBuf, String)>,
    groups: &[Vec<&'l String>],
    progress: bool,
) -> Result<Vec<Uploaded<'l>>, Failure> {
    let total: usize = groups.iter().map(Vec::len).sum();
    let done = AtomicUsize::new(0);
    let mut puts = Vec::with_capacity(total);
    for group in groups {
        let results: Vec<Result<Uploaded, String>> =
            futures::stream::iter(group.iter().map(|rel| {
                let (path, _) = &local[*rel];
                let done = &done;
                async move {
                    let body = tokio::fs::read(path)
                        .await
                        .map_err(|e| format!("无法读取 {rel}：{}", crate::diag::io_reason(&e)))?;
                    let len = body.len() as u64;
                    let (ctype, cache) = metadata(rel);
                    let mut attributes = Attributes::new();
                    attributes.insert(Attribute::ContentType, ctype.into());
                    attributes.insert(Attribute::CacheControl, cache.into());
                    let opts = PutOptions {
                        attributes,
                        ..Default::default()
                    };
                    let put = target
                        .store
                        .put_opts(&key(&target.prefix, rel)?, PutPayload::from(body), opts)
                        .await
                        .map_err(|e| format!("上传 {rel} 失败：{}", target.failed(e)))?;
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
                    Ok((*rel, len, etag(put.e_tag.as_ref())))
                }
            }))
            .buffer_unordered(PARALLEL)
            .collect()
            .await;
        let mut failure = None;
        for r in results {
            match r {
                Ok(p) => puts.push(p),
                Err(e) => failure = failure.or(Some(e)),
            }
        }
        if let Some(message) = failure {
            if progress {
                eprint!("\r\x1b[K");
            }
            return Err(Failure {
                message,
                uploaded: puts.len(),
            });
        }
    }
    if progress && total > 0 {
        eprint!("\r\x1b[K");
    }
    Ok(puts)
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
