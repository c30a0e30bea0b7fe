//! The HTML pages of a site: one job per output file, rendered in parallel.

use super::keys::quick_key;
use super::lists::*;
pub use super::lists::{Filter, overdue_pages, overdue_url, party_index_pages, party_index_url};
use super::template_error;
use crate::content::model::Kind;
use crate::diag::Diagnostic;
use crate::output::Staging;
use crate::publish::{Badge, Link, PubParty, PubRecord, PublicSite};
use minijinja::{Environment, Value, context};
use rayon::prelude::*;
use serde::Serialize;

pub use crate::publish::narrow::PER_PAGE;
/// Parties per page of the party index.
pub const PARTIES_PER_PAGE: usize = 100;
/// Overdue hazards shown on the home page; the rest are on their own list.
pub const HOME_OVERDUE: usize = 10;

/// Names of the built assets (content-hashed), given to every page.
#[derive(Debug, Clone, Serialize)]
pub struct Assets {
    pub css: String,
    pub search_js: String,
    pub a11y_js: String,
    pub favicon: String,
}

#[derive(Serialize)]
struct NavItem {
    label: &'static str,
    url: &'static str,
    section: &'static str,
}

const NAV: &[NavItem] = &[
    NavItem {
        label: "首页",
        url: "index.html",
        section: "home",
    },
    NavItem {
        label: "典型案例",
        url: "cases/index.html",
        section: "cases",
    },
    NavItem {
        label: "执法措施",
        url: "actions/index.html",
        section: "actions",
    },
    NavItem {
        label: "重大隐患",
        url: "hazards/index.html",
        section: "hazards",
    },
    NavItem {
        label: "追责问责",
        url: "accountability/index.html",
        section: "accountability",
    },
    NavItem {
        label: "举报线索",
        url: "clues/index.html",
        section: "clues",
    },
    NavItem {
        label: "黑名单",
        url: "blacklist/index.html",
        section: "blacklist",
    },
    NavItem {
        label: "数据统计",
        url: "stats.html",
        section: "stats",
    },
    NavItem {
        label: "工作报表",
        url: "reports/index.html",
        section: "reports",
    },
    NavItem {
        label: "搜索",
        url: "search.html",
        section: "search",
    },
];

/// What a template sees of a record.
#[derive(Serialize)]
pub struct RecordView<'x> {
    kind: Kind,
    kind_label: &'static str,
    id: &'x str,
    url: &'x str,
    title: &'x str,
    date: chrono::NaiveDate,
    status: &'x Option<Badge>,
    party: &'x Option<PubParty>,
    org: &'x str,
    region: &'x Option<String>,
    sector: &'x Option<String>,
    equipment: &'x Option<String>,
    corrections: &'x [crate::content::model::Note],
    related: &'x [Link],
    referenced_by: &'x [Link],
    preview: Option<&'static str>,
    /// Days past the deadline of an overdue hazard.
    overdue_days: Option<i64>,
    /// The public fields under their authoring names.
    d: &'x crate::publish::Data,
}

pub fn view<'x>(r: &'x PubRecord) -> RecordView<'x> {
    RecordView {
        kind: r.kind,
        kind_label: r.kind.label(),
        id: &r.id,
        url: &r.url,
        title: &r.title,
        date: r.published,
        status: &r.status,
        party: &r.party,
        org: &r.org,
        region: &r.region,
        sector: &r.sector,
        equipment: &r.equipment,
        corrections: &r.corrections,
        related: &r.related,
        referenced_by: &r.referenced_by,
        preview: r.preview,
        overdue_days: r.late,
        d: &r.data,
    }
}

/// A page of a site, by what it shows: a position in the public view, not
/// a borrow of it, so that a preview can keep a map from URLs to pages.
/// Its context is made when it is rendered, in the worker thread, so that
/// no more than a page per thread is held in memory at once.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PageRef {
    Home,
    /// A page of a kind's list: [`super::list_pages::FRONT`] or a
    /// page's number.
    List(Kind, usize),
    /// A page of a kind's list narrowed to a place or a year.
    Filtered(Kind, Filter, usize),
    /// A page of the list of overdue hazards.
    Overdue(usize),
    /// An index into [`PublicSite::pages`].
    Record(usize),
    /// An index into [`PublicSite::notices`].
    Notice(usize),
    Removed,
    /// An index into [`PublicSite::parties`].
    Party(usize),
    /// A page of the party index.
    Parties(usize),
    Search,
    Stats,
    /// The site map: every part of the site, for people.
    SiteMap,
    NotFound,
    Daily(chrono::NaiveDate),
    Weekly(String),
    Reports,
}

impl PageRef {
    /// A page of a list, narrowed or not: its kind, narrowing and number.
    pub(super) fn list(&self) -> Option<(Kind, Option<&Filter>, usize)> {
        match self {
            PageRef::List(kind, n) => Some((*kind, None, *n)),
            PageRef::Filtered(kind, f, n) => Some((*kind, Some(f), *n)),
            _ => None,
        }
    }
}

/// The path of the site's address (`/disclosure/` of
/// `https://example.gov.cn/disclosure/`), `/` if it has none.
pub fn base_path(base_url: &str) -> String {
    let path = base_url
        .split_once("//")
        .and_then(|(_, rest)| rest.find('/').map(|i| &rest[i..]))
        .unwrap_or("/");
    if path.ends_with('/') {
        path.to_string()
    } else {
        format!("{path}/")
    }
}

/// `../` repeated for a page at `out`.
pub fn root_of(out: &str) -> String {
    "../".repeat(out.matches('/').count())
}

/// Which pages to render: search.html needs the search index's name, which
/// is known once the index is planned, while every other page can be
/// rendered from the start.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Pages {
    AllButSearch,
    SearchOnly,
}

/// What every page is rendered with: the templates, the context all pages
/// share, `extra` for the statistics page (figures) and the search index's
/// name for the search page.
pub struct Renderer<'e> {
    env: &'e Environment<'static>,
    base: Value,
    extra: Value,
    search_index: String,
    /// The site's header and footer (`header.html`, `footer.html`) by the
    /// page's `root` and `section`, the only things of a page they read:
    /// rendered once for each pair, not once for each page.
    chrome: std::sync::Mutex<std::collections::HashMap<(String, String), Value>>,
    /// Where the site is served from: the not-found page's links start
    /// there, whatever the depth of the address it is shown at.
    site_path: String,
}

/// The templates of the parts every page shares.
const CHROME: [(&str, &str); 2] = [
    ("site_header", "header.html"),
    ("site_footer", "footer.html"),
];

/// A page with its context, ready to render.
struct Prepared<'p> {
    out: String,
    template: &'static str,
    here: Value,
    ctx: Value,
    origin: Option<&'p str>,
}

impl<'e> Renderer<'e> {
    pub fn new(
        env: &'e Environment<'static>,
        public: &PublicSite,
        assets: &Assets,
        extra: Value,
    ) -> Renderer<'e> {
        let base = context! {
            site => Value::from_serialize(&public.site.info),
            assets => Value::from_serialize(assets),
            nav => Value::from_serialize(NAV),
            build_date => public.date.to_string(),
            drafts => public.drafts,
            footer_pages => Value::from_serialize(public.of_kind(Kind::Pages).map(|p| p.link()).collect::<Vec<_>>()),
        };
        Renderer {
            env,
            base,
            extra,
            search_index: String::new(),
            chrome: Default::default(),
            site_path: base_path(&public.site.info.base_url),
        }
    }

    /// The path of the search index's manifest, for search.html.
    pub fn with_search_index(mut self, manifest: &str) -> Self {
        self.search_index = manifest.to_string();
        self
    }

    /// Serve the site from `path` (the preview serves it from `/`).
    pub fn served_from(mut self, path: &str) -> Self {
        self.site_path = path.to_string();
        self
    }

    /// `site_header` and `site_footer` for a page at `root` in `section`,
    /// from the templates with the shared context and those two; each
    /// without its last line break, since `base.html` puts it on a line of
    /// its own.
    fn chrome(&self, here: &Value, ctx: &Value) -> Result<Value, Box<Diagnostic>> {
        let root = here.get_attr("root").unwrap_or_default();
        let section = ctx.get_attr("section").unwrap_or_default();
        // Debug tells an undefined section from an empty one.
        let key = (root.to_string(), format!("{section:?}"));
        let cache = || self.chrome.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(v) = cache().get(&key) {
            return Ok(v.clone());
        }
        let ctx = minijinja::value::merge_maps([
            context! { root => root, section => section },
            self.base.clone(),
        ]);
        let mut parts = std::collections::BTreeMap::new();
        for (var, template) in CHROME {
            let html = self
                .env
                .get_template(template)
                .and_then(|t| super::render(&t, &ctx))
                .map_err(|e| Box::new(template_error(&format!("templates/{template}"), &e)))?;
            let html = html.strip_suffix('\n').unwrap_or(&html);
            parts.insert(var, Value::from_safe_string(html.to_string()));
        }
        let v = Value::from(parts);
        cache().insert(key, v.clone());
        Ok(v)
    }

    fn prepare<'p>(&self, public: &'p PublicSite, page: &PageRef) -> Option<Prepared<'p>> {
        let out = out_path(public, page)?;
        let (template, ctx, origin) = job_context(public, page)?;
        // The not-found page is shown at any depth: its links start at
        // the site's path.
        let root = if *page == PageRef::NotFound {
            self.site_path.clone()
        } else {
            root_of(&out)
        };
        let canonical = format!("{}{}", public.site.info.base_url, out);
        let here = context! { root => root, canonical => canonical, out => out.clone(), template => template };
        let ctx = match template {
            "stats.html" => minijinja::value::merge_maps([ctx, self.extra.clone()]),
            "search.html" => minijinja::value::merge_maps([
                ctx,
                context! { search_index => self.search_index.clone() },
            ]),
            _ => ctx,
        };
        Some(Prepared {
            out,
            template,
            here,
            ctx,
            origin,
        })
    }

    fn finish(&self, p: Prepared) -> Result<String, Box<Diagnostic>> {
        let chrome = self.chrome(&p.here, &p.ctx)?;
        let ctx = minijinja::value::merge_maps([p.here, chrome, p.ctx, self.base.clone()]);
        self.env
            .get_template(p.template)
            .and_then(|t| super::render(&t, ctx))
            .map_err(|e| Box::new(template_error(&format!("templates/{}", p.template), &e)))
    }

    /// One page, by reference: its output path and HTML.
    pub fn page(
        &self,
        public: &PublicSite,
        page: &PageRef,
    ) -> Option<(String, Result<String, Box<Diagnostic>>)> {
        let p = self.prepare(public, page)?;
        let out = p.out.clone();
        Some((out, self.finish(p)))
    }
}

/// Render the pages `which` into `staging` (search.html with the path of
/// the search index's manifest, `search_index`). Template errors are
/// returned.
pub fn render_all(
    env: &Environment<'static>,
    public: &PublicSite,
    assets: &Assets,
    (extra, search_index): (Value, &str),
    staging: &Staging,
    which: Pages,
    cache: &crate::output::cache::PageCache,
) -> Vec<Diagnostic> {
    let renderer = Renderer::new(env, public, assets, extra).with_search_index(search_index);
    // Every page depends on the templates and this shared context; only the
    // statistics page gets `extra` (figures), and the search page the
    // index's name.
    let fingerprint =
        super::fingerprint(env, &serde_json::to_vec(&renderer.base).unwrap_or_default());
    let digests = super::keys::Digests::new(public);
    let refs = match which {
        Pages::AllButSearch => page_refs(public),
        Pages::SearchOnly => vec![PageRef::Search],
    };
    let mut errors: Vec<Diagnostic> = refs
        .into_par_iter()
        .filter_map(|page| {
            // A page whose key is known without its context, and that is
            // in the previous output as it would be made, is taken from
            // there without making its context.
            let quick = quick_key(public, &page, cache, &fingerprint, &digests);
            if let Some((out, key, origin)) = &quick
                && cache.fresh(out, key)
                && staging.reuse(out, *origin)
            {
                cache.record(out, key.clone(), true);
                return None;
            }
            let p = renderer.prepare(public, &page)?;
            let known = quick.is_some();
            let key = match quick {
                Some((_, key, _)) => key,
                None => cache.key(&fingerprint, &(&p.here, &p.ctx)),
            };
            if !known && cache.fresh(&p.out, &key) && staging.reuse(&p.out, p.origin) {
                cache.record(&p.out, key, true);
                return None;
            }
            let (out, origin) = (p.out.clone(), p.origin);
            match renderer.finish(p) {
                Ok(html) => {
                    staging.write(&out, html.as_bytes(), origin);
                    cache.record(&out, key, false);
                    None
                }
                Err(e) => Some(*e),
            }
        })
        .collect();
    errors.sort_by(|a, b| (&a.path, a.line, &a.message).cmp(&(&b.path, b.line, &b.message)));
    errors.dedup_by(|a, b| a.path == b.path && a.message == b.message);
    errors
}

/// Every page of the site but search.html, in a fixed order.
pub fn page_refs(public: &PublicSite) -> Vec<PageRef> {
    let mut refs = vec![PageRef::Home];
    for kind in Kind::LISTED {
        let numbers = super::list_pages::numbers(public, kind, None);
        refs.extend(numbers.into_iter().map(|n| PageRef::List(kind, n)));
        for (filter, _) in filter_values(public, kind) {
            let numbers = super::list_pages::numbers(public, kind, Some(&filter));
            refs.extend(
                numbers
                    .into_iter()
                    .map(|n| PageRef::Filtered(kind, filter.clone(), n)),
            );
        }
    }
    refs.extend((1..=overdue_pages(public)).map(PageRef::Overdue));
    refs.extend(
        public
            .pages()
            .enumerate()
            .filter(|(_, r)| r.kind != Kind::Daily)
            .map(|(i, _)| PageRef::Record(i)),
    );
    refs.extend(
        public
            .notices
            .iter()
            .enumerate()
            .filter(|(_, n)| n.kind != Kind::Daily)
            .map(|(i, _)| PageRef::Notice(i)),
    );
    refs.push(PageRef::Removed);
    refs.extend((0..public.parties().len()).map(PageRef::Party));
    refs.extend((1..=party_index_pages(public)).map(PageRef::Parties));
    refs.extend([
        PageRef::Stats,
        PageRef::SiteMap,
        PageRef::NotFound,
        PageRef::Reports,
    ]);
    refs.extend(
        crate::reports::forms::active_days(public)
            .into_iter()
            .map(PageRef::Daily),
    );
    refs.extend(
        crate::reports::forms::weeks(public)
            .into_iter()
            .map(PageRef::Weekly),
    );
    refs
}

/// The output path of a page, without making its context.
pub fn out_path(public: &PublicSite, page: &PageRef) -> Option<String> {
    Some(match page {
        PageRef::Home => "index.html".into(),
        PageRef::List(..) | PageRef::Filtered(..) => {
            let (kind, f, n) = page.list()?;
            super::list_pages::url(kind, f, n)
        }
        PageRef::Overdue(n) => overdue_url(*n),
        PageRef::Record(i) => public.page(*i)?.url.clone(),
        PageRef::Notice(i) => public.notices.get(*i)?.url.clone(),
        PageRef::Removed => "blacklist/removed.html".into(),
        PageRef::Party(i) => public.parties().get(*i)?.url.clone(),
        PageRef::Parties(n) => party_index_url(*n),
        PageRef::Search => "search.html".into(),
        PageRef::Stats => "stats.html".into(),
        PageRef::SiteMap => "sitemap.html".into(),
        PageRef::NotFound => "404.html".into(),
        PageRef::Daily(d) => format!("reports/daily/{d}.html"),
        PageRef::Weekly(w) => format!("reports/weekly/{w}.html"),
        PageRef::Reports => "reports/index.html".into(),
    })
}

/// `f` of the output path of a page, without copying the path of a record,
/// notice or party page.
pub fn with_out_path<R>(
    public: &PublicSite,
    page: &PageRef,
    f: impl FnOnce(&str) -> R,
) -> Option<R> {
    Some(match page {
        PageRef::Record(i) => f(&public.page(*i)?.url),
        PageRef::Notice(i) => f(&public.notices.get(*i)?.url),
        PageRef::Party(i) => f(&public.parties().get(*i)?.url),
        other => f(&out_path(public, other)?),
    })
}

/// The body of a free page; other records have none.
pub(super) fn record_body<'p>(r: &'p PubRecord) -> &'p str {
    match &r.body {
        crate::publish::PubBody::Page(p) => p.body.as_str(),
        _ => "",
    }
}

/// The template of a record page.
pub(super) fn record_template(kind: Kind) -> &'static str {
    match kind {
        Kind::Pages => "page.html",
        Kind::Cases => "cases.html",
        Kind::Actions => "actions.html",
        Kind::Hazards => "hazards.html",
        Kind::Accountability => "accountability.html",
        Kind::Clues => "clues.html",
        Kind::Blacklist | Kind::Daily => "blacklist.html",
    }
}

/// Template, context and source record of a page (its path is
/// [`out_path`]); None for a position the public view does not have.
fn job_context<'p>(
    public: &'p PublicSite,
    page: &PageRef,
) -> Option<(&'static str, Value, Option<&'p str>)> {
    let (template, ctx) = match page {
        PageRef::Home => home(public),
        PageRef::List(..) | PageRef::Filtered(..) => {
            let (kind, f, n) = page.list()?;
            super::list_pages::context(super::list_pages::list_page(public, kind, f, n)?)
        }
        PageRef::Overdue(n) => overdue_page(public, *n),
        PageRef::Record(i) => {
            let r = public.page(*i)?;
            let ctx = context! { r => Value::from_serialize(view(r)), section => r.kind.dir(), body => record_body(r) };
            return Some((record_template(r.kind), ctx, Some(r.source.as_str())));
        }
        PageRef::Notice(i) => {
            let n = public.notices.get(*i)?;
            let ctx = context! { n => Value::from_serialize(n), section => n.kind.dir() };
            ("withdrawn.html", ctx)
        }
        PageRef::Removed => {
            let removed: Vec<RecordView> = public.removed.iter().map(view).collect();
            let ctx =
                context! { records => Value::from_serialize(&removed), section => "blacklist" };
            ("removed.html", ctx)
        }
        PageRef::Party(i) => {
            let p = public.parties().get(*i)?;
            (
                "party.html",
                context! { p => Value::from_serialize(p), section => "parties" },
            )
        }
        PageRef::Parties(n) => party_index(public, *n),
        PageRef::Search => ("search.html", context! { section => "search" }),
        PageRef::Stats => ("stats.html", context! { section => "stats" }),
        PageRef::NotFound => ("404.html", context! { section => "none" }),
        PageRef::SiteMap => site_map(public),
        PageRef::Daily(day) => {
            let r = crate::reports::forms::daily(public, *day);
            let ctx = context! { report => Value::from_serialize(&r), section => "reports" };
            ("report_daily.html", ctx)
        }
        PageRef::Weekly(key) => {
            let r = crate::reports::forms::weekly(public, key);
            let ctx = context! { report => Value::from_serialize(&r), section => "reports" };
            ("report_weekly.html", ctx)
        }
        PageRef::Reports => reports_index(public),
    };
    Some((template, ctx, None))
}
