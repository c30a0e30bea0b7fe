//! The pages made of lists: the home page, a kind's list pages, the
//! overdue hazards and the party index, with their numbering.

use super::list_pages::FRONT;
use super::pages::*;
use crate::content::model::Kind;
pub use crate::publish::narrow::Filter;
use crate::publish::{Badge, PubRecord, PublicSite};
use minijinja::{Value, context};
use serde::Serialize;

/// The page of the list of overdue hazards.
pub fn overdue_url(n: usize) -> String {
    if n == 1 {
        "hazards/overdue.html".into()
    } else {
        format!("hazards/overdue/{n}.html")
    }
}

/// How many pages the party index has (one, if empty).
pub fn party_index_pages(public: &PublicSite) -> usize {
    public.parties().len().div_ceil(PARTIES_PER_PAGE).max(1)
}

/// The page of the party index.
pub fn party_index_url(n: usize) -> String {
    if n == 1 {
        "parties/index.html".into()
    } else {
        format!("parties/page/{n}.html")
    }
}

pub(super) fn party_index(public: &PublicSite, n: usize) -> (&'static str, Value) {
    /// A row of the index: not the party's records, only how many.
    #[derive(Serialize)]
    struct Row<'x> {
        url: &'x str,
        #[serde(rename = "名称")]
        name: &'x str,
        #[serde(rename = "统一社会信用代码")]
        code: &'x Option<String>,
        blacklisted: bool,
        count: usize,
    }
    let total = public.parties().len();
    let pages = party_index_pages(public);
    let rows: Vec<Row> = public
        .parties()
        .iter()
        .skip((n - 1) * PARTIES_PER_PAGE)
        .take(PARTIES_PER_PAGE)
        .map(|p| Row {
            url: &p.url,
            name: &p.name,
            code: &p.code,
            blacklisted: p.blacklisted,
            count: p.records.len(),
        })
        .collect();
    let ctx = context! {
        parties => Value::from_serialize(&rows),
        section => "parties",
        ..page_nav(total, n, pages, party_index_url)
    };
    ("parties.html", ctx)
}

/// How many pages the list of overdue hazards has (none without any).
pub fn overdue_pages(public: &PublicSite) -> usize {
    overdue(public).len().div_ceil(PER_PAGE)
}

/// The overdue hazards, longest overdue first (earliest deadline; then as
/// listed).
pub(super) fn overdue<'p, 'a>(public: &'p PublicSite<'a>) -> Vec<&'p PubRecord<'a>> {
    public.overdue().collect()
}

/// Page `n` of the list of a kind ([`FRONT`]: its first page).
pub(super) fn list_url(kind: Kind, n: usize) -> String {
    if n == FRONT {
        format!("{}/index.html", kind.dir())
    } else {
        format!("{}/page/{n}.html", kind.dir())
    }
}

/// The home page's key figures, each with its list.
fn key_figures(public: &PublicSite, overdue_total: usize) -> Vec<Value> {
    let count = |k: Kind, status: Badge| {
        public
            .of_kind(k)
            .filter(|r| r.status == Some(status))
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
            count(Kind::Hazards, Badge::Supervised),
            "hazards/index.html",
        ),
        (
            "逾期未整改隐患",
            overdue_total,
            if overdue_total > 0 {
                "hazards/overdue.html"
            } else {
                "hazards/index.html"
            },
        ),
        (
            "超期未反馈线索",
            count(Kind::Clues, Badge::FeedbackOverdue),
            "clues/index.html",
        ),
        (
            "在列黑名单",
            count(Kind::Blacklist, Badge::Listed),
            "blacklist/index.html",
        ),
    ];
    figures
        .into_iter()
        .map(|(label, n, url)| context! { label => label, num => n, url => url })
        .collect()
}

pub(super) fn home(public: &PublicSite) -> (&'static str, Value) {
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
    let all_overdue = overdue(public);
    let overdue_total = all_overdue.len();
    let overdue: Vec<RecordView> = all_overdue
        .into_iter()
        .take(HOME_OVERDUE)
        .map(view)
        .collect();
    let figures = key_figures(public, overdue_total);
    let ctx = context! {
        sections => Value::from_serialize(&sections),
        overdue => Value::from_serialize(&overdue),
        overdue_total => overdue_total,
        overdue_url => overdue_url(1),
        figures => figures,
        section => "home",
    };
    ("index.html", ctx)
}

pub(super) fn overdue_page(public: &PublicSite, n: usize) -> (&'static str, Value) {
    let all = overdue(public);
    let lead = format!("共 {} 项，按整改时限从早到晚排列。", all.len());
    let ctx = list_context(
        Kind::Hazards,
        "逾期未整改的重大事故隐患",
        Some(lead),
        (all.len(), all.iter().copied()),
        n,
        overdue_url,
    );
    ("list.html", ctx)
}

/// The page of a narrowed list: `KIND/place/HASH/…` (a place's name
/// hashed: a stable, plain address) or `KIND/year/YYYY/…`.
pub fn filter_url(kind: Kind, f: &Filter, n: usize) -> String {
    let dir = match f {
        Filter::Place(p) => format!(
            "{}/place/{}",
            kind.dir(),
            crate::output::short_hash(p.as_bytes())
        ),
        Filter::Year(y) => format!("{}/year/{y}", kind.dir()),
    };
    if n == FRONT {
        format!("{dir}/index.html")
    } else {
        format!("{dir}/page/{n}.html")
    }
}

/// What a kind's list can be narrowed to, with how many records each.
pub fn filter_values(public: &PublicSite, kind: Kind) -> Vec<(Filter, usize)> {
    public.lists().filters(kind).to_vec()
}

/// The views of the records on page `n` of a numbered list.
fn page_views<'p, 'a: 'p>(
    all: impl Iterator<Item = &'p PubRecord<'a>>,
    n: usize,
) -> Vec<RecordView<'p>> {
    all.skip((n - 1) * PER_PAGE)
        .take(PER_PAGE)
        .map(view)
        .collect()
}

/// Page `n` of a numbered list of records (list.html; the overdue
/// hazards), from how many there are and the records in order: the
/// page's records, the counts and the neighbouring pages by `url`.
fn list_context<'p, 'a: 'p>(
    kind: Kind,
    label: &str,
    lead: Option<String>,
    (total, all): (usize, impl Iterator<Item = &'p PubRecord<'a>>),
    n: usize,
    url: impl Fn(usize) -> String,
) -> Value {
    let pages = total.div_ceil(PER_PAGE).max(1);
    let chunk = page_views(all, n);
    context! {
        kind => kind.dir(),
        kind_label => kind.label(),
        label => label,
        lead => lead,
        records => Value::from_serialize(&chunk),
        first_index => (n - 1) * PER_PAGE,
        section => kind.dir(),
        // Under its kind in the breadcrumb (a list of some of the kind's
        // records, as a filtered list is).
        list_url => list_url(kind, FRONT),
        ..page_nav(total, n, pages, url)
    }
}

/// Page `n` of `pages` for the `pagination` macro: how many items in all,
/// the page, the number of pages and the neighbouring pages by `url`.
pub(super) fn page_nav(
    total: usize,
    n: usize,
    pages: usize,
    url: impl Fn(usize) -> String,
) -> Value {
    context! {
        total => total,
        page => n,
        pages => pages,
        prev => (n > 1).then(|| url(n - 1)),
        next => (n < pages).then(|| url(n + 1)),
        links => page_links(n, pages, &url),
    }
}

/// The numbered links of a list's pagination: the first and last page,
/// the two on each side of page `n`, and a gap where pages are left out.
fn page_links(n: usize, pages: usize, url: &impl Fn(usize) -> String) -> Vec<Value> {
    let near = |k: usize| k == 1 || k == pages || k.abs_diff(n) <= 2;
    // A gap would hide a single page: that page is shown instead.
    let shown = |k: usize| near(k) || (k > 1 && k < pages && near(k - 1) && near(k + 1));
    let mut links = Vec::new();
    let mut gap = false;
    for k in 1..=pages {
        if shown(k) {
            links.push(context! { n => k, url => url(k) });
            gap = false;
        } else if !gap {
            links.push(context! { gap => true });
            gap = true;
        }
    }
    links
}

/// The site map: each kind's list with its count, the free pages, and
/// the site's other parts.
pub(super) fn site_map(public: &PublicSite) -> (&'static str, Value) {
    let kinds: Vec<Value> = Kind::LISTED
        .iter()
        .map(|k| {
            context! {
                kind => k.dir(),
                label => k.label(),
                url => format!("{}/index.html", k.dir()),
                count => public.of_kind(*k).count(),
            }
        })
        .collect();
    let pages: Vec<crate::publish::Link> = public.of_kind(Kind::Pages).map(|p| p.link()).collect();
    let ctx = context! {
        kinds => kinds,
        pages => Value::from_serialize(&pages),
        overdue => overdue_pages(public) > 0,
        section => "none",
    };
    ("sitemap.html", ctx)
}

/// The reports page: each month, newest first, with its daily and weekly
/// reports.
pub(super) fn reports_index(public: &PublicSite) -> (&'static str, Value) {
    use std::collections::BTreeMap;
    let mut months: BTreeMap<String, (Vec<String>, Vec<String>)> = BTreeMap::new();
    for d in crate::reports::forms::active_days(public) {
        months
            .entry(d.format("%Y-%m").to_string())
            .or_default()
            .0
            .push(d.to_string());
    }
    for w in crate::reports::forms::weeks(public) {
        let r = crate::reports::forms::weekly(public, &w);
        months
            .entry(r.start.format("%Y-%m").to_string())
            .or_default()
            .1
            .push(w);
    }
    let months: Vec<(String, Vec<String>, Vec<String>)> = months
        .into_iter()
        .rev()
        .map(|(m, (mut d, w))| {
            d.reverse();
            (m, d, w)
        })
        .collect();
    let ctx = context! { months => Value::from_serialize(&months), section => "reports" };
    ("reports.html", ctx)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn shown(n: usize, pages: usize) -> String {
        page_links(n, pages, &|k| format!("p{k}"))
            .iter()
            .map(
                |v| match v.get_attr("n").ok().filter(|n| !n.is_undefined()) {
                    Some(n) => n.to_string(),
                    None => "…".to_string(),
                },
            )
            .collect::<Vec<_>>()
            .join(" ")
    }

    #[test]
    fn pagination_numbers_the_ends_and_the_pages_near_this_one() {
        assert_eq!(shown(1, 1), "1");
        assert_eq!(shown(1, 5), "1 2 3 4 5");
        assert_eq!(shown(1, 20), "1 2 3 … 20");
        assert_eq!(shown(6, 20), "1 … 4 5 6 7 8 … 20");
        assert_eq!(shown(5, 20), "1 2 3 4 5 6 7 … 20");
        assert_eq!(shown(10, 20), "1 … 8 9 10 11 12 … 20");
        assert_eq!(shown(20, 20), "1 … 18 19 20");
        assert_eq!(shown(4, 20), "1 2 3 4 5 6 … 20");
    }
}
