//! The HTML pages of a site: one job per output file, rendered in parallel.

use super::template_error;
use crate::content::model::Kind;
use crate::diag::Diagnostic;
use crate::output::Staging;
use crate::publish::{Badge, Link, PubParty, PubRecord, PublicSite};
use minijinja::{Environment, Value, context};
use rayon::prelude::*;
use serde::Serialize;

pub const PER_PAGE: usize = 20;

/// Names of the built assets (content-hashed), given to every page.
#[derive(Debug, Clone, Serialize)]
pub struct Assets {
    pub css: String,
    pub search_js: String,
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
    /// The public fields under their authoring names.
    d: &'x serde_json::Value,
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
        d: &r.data,
    }
}

/// One page to render.
struct Job {
    out: String,
    template: &'static str,
    ctx: Value,
    origin: Option<String>,
}

/// `../` repeated for a page at `out`.
pub fn root_of(out: &str) -> String {
    "../".repeat(out.matches('/').count())
}

/// Render every page into `staging`. Template errors are returned.
pub fn render_all(
    env: &Environment<'static>,
    public: &PublicSite,
    assets: &Assets,
    extra: Value,
    staging: &Staging,
) -> Vec<Diagnostic> {
    let base = context! {
        site => Value::from_serialize(&public.site.info),
        assets => Value::from_serialize(assets),
        nav => Value::from_serialize(NAV),
        build_date => public.date.to_string(),
        drafts => public.drafts,
        footer_pages => Value::from_serialize(public.of_kind(Kind::Pages).map(|p| p.link()).collect::<Vec<_>>()),
        ..extra
    };
    let jobs = jobs(public);
    let errors: Vec<Diagnostic> = jobs
        .into_par_iter()
        .filter_map(|job| {
            let root = root_of(&job.out);
            let canonical = format!("{}{}", public.site.info.base_url, job.out);
            let here = context! { root => root, canonical => canonical, out => job.out.clone() };
            let ctx = minijinja::value::merge_maps([here, job.ctx, base.clone()]);
            match env.get_template(job.template).and_then(|t| t.render(ctx)) {
                Ok(html) => {
                    staging.write(&job.out, html.as_bytes(), job.origin.as_deref());
                    None
                }
                Err(e) => Some(template_error(&format!("templates/{}", job.template), &e)),
            }
        })
        .collect();
    let mut errors = errors;
    errors.sort_by(|a, b| (&a.path, a.line, &a.message).cmp(&(&b.path, b.line, &b.message)));
    errors.dedup_by(|a, b| a.path == b.path && a.message == b.message);
    errors
}

fn jobs(public: &PublicSite) -> Vec<Job> {
    let mut jobs = Vec::new();
    jobs.push(home(public));
    for kind in Kind::LISTED {
        list_pages(public, kind, &mut jobs);
    }
    for r in public.pages() {
        let template = match r.kind {
            Kind::Pages => "page.html",
            Kind::Cases => "cases.html",
            Kind::Actions => "actions.html",
            Kind::Hazards => "hazards.html",
            Kind::Accountability => "accountability.html",
            Kind::Clues => "clues.html",
            Kind::Blacklist => "blacklist.html",
            Kind::Daily => continue,
        };
        let body = match r.kind {
            Kind::Pages => match &r.body {
                crate::publish::PubBody::Page(p) => p.body.as_str(),
                _ => "",
            },
            _ => "",
        };
        jobs.push(Job {
            out: r.url.clone(),
            template,
            ctx: context! { r => Value::from_serialize(view(r)), section => r.kind.dir(), body => body },
            origin: Some(r.source.clone()),
        });
    }
    for n in &public.notices {
        if n.kind == Kind::Daily {
            continue;
        }
        jobs.push(Job {
            out: n.url.clone(),
            template: "withdrawn.html",
            ctx: context! { n => Value::from_serialize(n), section => n.kind.dir() },
            origin: None,
        });
    }
    let removed: Vec<RecordView> = public.removed.iter().map(view).collect();
    jobs.push(Job {
        out: "blacklist/removed.html".into(),
        template: "removed.html",
        ctx: context! { records => Value::from_serialize(&removed), section => "blacklist" },
        origin: None,
    });
    for p in &public.parties {
        jobs.push(Job {
            out: p.url.clone(),
            template: "party.html",
            ctx: context! { p => Value::from_serialize(p), section => "parties" },
            origin: None,
        });
    }
    jobs.push(Job {
        out: "parties/index.html".into(),
        template: "parties.html",
        ctx: context! { parties => Value::from_serialize(&public.parties), section => "parties" },
        origin: None,
    });
    jobs.push(Job {
        out: "search.html".into(),
        template: "search.html",
        ctx: context! { section => "search" },
        origin: None,
    });
    jobs.push(Job {
        out: "stats.html".into(),
        template: "stats.html",
        ctx: context! { section => "stats" },
        origin: None,
    });
    jobs.push(Job {
        out: "404.html".into(),
        template: "404.html",
        ctx: context! { section => "none" },
        origin: None,
    });
    jobs
}

fn home(public: &PublicSite) -> Job {
    #[derive(Serialize)]
    struct Section<'x> {
        kind: Kind,
        label: &'static str,
        url: String,
        total: usize,
        latest: Vec<RecordView<'x>>,
    }
    let sections: Vec<Section> = Kind::LISTED
        .iter()
        .map(|k| Section {
            kind: *k,
            label: k.label(),
            url: format!("{}/index.html", k.dir()),
            total: public.of_kind(*k).count(),
            latest: public.of_kind(*k).take(5).map(view).collect(),
        })
        .collect();
    let overdue: Vec<RecordView> = public
        .of_kind(Kind::Hazards)
        .filter(|r| r.status.as_ref().is_some_and(|s| s.label == "已逾期"))
        .map(view)
        .collect();
    let count = |k: Kind, label: &str| {
        public
            .of_kind(k)
            .filter(|r| r.status.as_ref().is_some_and(|s| s.label == label))
            .count()
    };
    let figures = vec![
        (
            "典型案例",
            public.of_kind(Kind::Cases).count(),
            "cases/index.html",
        ),
        (
            "执法措施",
            public.of_kind(Kind::Actions).count(),
            "actions/index.html",
        ),
        (
            "督办中重大隐患",
            count(Kind::Hazards, "督办中"),
            "hazards/index.html",
        ),
        (
            "逾期未整改隐患",
            count(Kind::Hazards, "已逾期"),
            "hazards/index.html",
        ),
        (
            "超期未反馈线索",
            count(Kind::Clues, "超期未反馈"),
            "clues/index.html",
        ),
        (
            "在列黑名单",
            count(Kind::Blacklist, "在列"),
            "blacklist/index.html",
        ),
    ];
    let figures: Vec<Value> = figures
        .into_iter()
        .map(|(label, n, url)| context! { label => label, num => n, url => url })
        .collect();
    Job {
        out: "index.html".into(),
        template: "index.html",
        ctx: context! {
            sections => Value::from_serialize(&sections),
            overdue => Value::from_serialize(&overdue),
            figures => figures,
            section => "home",
        },
        origin: None,
    }
}

fn list_pages(public: &PublicSite, kind: Kind, jobs: &mut Vec<Job>) {
    let records: Vec<&PubRecord> = public.of_kind(kind).collect();
    let pages = records.len().div_ceil(PER_PAGE).max(1);
    let page_url = |n: usize| {
        if n == 1 {
            format!("{}/index.html", kind.dir())
        } else {
            format!("{}/page/{n}.html", kind.dir())
        }
    };
    for n in 1..=pages {
        let chunk: Vec<RecordView> = records
            .iter()
            .skip((n - 1) * PER_PAGE)
            .take(PER_PAGE)
            .map(|r| view(r))
            .collect();
        let out = page_url(n);
        jobs.push(Job {
            out: out.clone(),
            template: "list.html",
            ctx: context! {
                kind => kind.dir(),
                label => kind.label(),
                records => Value::from_serialize(&chunk),
                total => records.len(),
                page => n,
                pages => pages,
                prev => (n > 1).then(|| page_url(n - 1)),
                next => (n < pages).then(|| page_url(n + 1)),
                first_index => (n - 1) * PER_PAGE,
                section => kind.dir(),
            },
            origin: None,
        });
    }
}
