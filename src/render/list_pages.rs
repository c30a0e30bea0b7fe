//! The pages of a kind's list, narrowed to a place or a year or not: the
//! first page (`index.html`) with the newest records and the list's
//! counts, and the numbered pages that keep their records when others
//! come and go ([`crate::publish::narrow`] cuts them).
//!
//! A numbered page shows nothing that changes with the rest of the list:
//! no total, no counts in its bar of narrowings, and links only to its
//! neighbours, to the first page, and to nothing that the next record
//! published would move. Publishing a record rewrites the first page and
//! the page that takes it; withdrawing one rewrites the page it was on.

use super::lists::{filter_url, list_url, overdue, overdue_url};
use super::pages::{RecordView, view};
use crate::content::model::Kind;
use crate::publish::narrow::{Filter, Paging};
use crate::publish::{PubRecord, PublicSite};
use chrono::NaiveDate;
use minijinja::{Value, context};
use serde::Serialize;

/// The number of a list's first page, `index.html`; its other pages are
/// numbered from 1, the oldest.
pub const FRONT: usize = 0;

/// The pages of `kind`'s list, narrowed by `f` or not: the first page,
/// then the numbered ones, newest first.
pub fn numbers(public: &PublicSite, kind: Kind, f: Option<&Filter>) -> Vec<usize> {
    std::iter::once(FRONT)
        .chain(public.paging(kind, f).numbers())
        .collect()
}

/// The address of page `n` of a list.
pub(super) fn url(kind: Kind, f: Option<&Filter>, n: usize) -> String {
    match f {
        Some(f) => filter_url(kind, f, n),
        None => list_url(kind, n),
    }
}

/// Everything a page of a list shows, as Rust values: its cache key and
/// its template context are both made from this.
/// Its records are shown by their views; the cache key is made with each
/// record's digest in place of its view ([`super::keys::Digests`]).
#[derive(Serialize)]
pub(super) struct ListPage<'p, R = RecordView<'p>> {
    kind: Kind,
    filter: Option<&'p Filter>,
    number: usize,
    records: Vec<R>,
    /// The first and last publication date of a numbered page's records.
    span: Option<(NaiveDate, NaiveDate)>,
    /// The first page's: how many records the list has, and how many
    /// hazards are overdue (hazards only).
    total: Option<usize>,
    late: Option<usize>,
    /// The narrowings of the kind, with their counts on the first page.
    narrowings: Vec<(&'p Filter, Option<usize>)>,
    nav: Nav,
}

/// The links between the pages of a list.
#[derive(Serialize)]
struct Nav {
    newer: Option<String>,
    older: Option<String>,
    /// The pages named by number, newest first; None marks a gap.
    links: Vec<Option<(usize, String)>>,
}

/// Page `n` of `kind`'s list, narrowed by `f` or not (None if the list
/// has no such page).
pub(super) fn list_page<'p>(
    public: &'p PublicSite,
    kind: Kind,
    f: Option<&'p Filter>,
    n: usize,
) -> Option<ListPage<'p>> {
    list_page_of(public, kind, f, n, |i| view(&public.records[i]))
}

/// [`list_page`], each record shown as `item` makes it of its position
/// in the public view's records.
pub(super) fn list_page_of<'p, R>(
    public: &'p PublicSite,
    kind: Kind,
    f: Option<&'p Filter>,
    n: usize,
    item: impl Fn(usize) -> R,
) -> Option<ListPage<'p, R>> {
    let paging = public.paging(kind, f);
    let front = n == FRONT;
    let positions: Vec<usize> = if front {
        paging.front_records().collect()
    } else {
        paging.page(n)?.to_vec()
    };
    let records: Vec<&PubRecord> = positions.iter().map(|&i| &public.records[i]).collect();
    let total = front.then(|| match f {
        Some(f) => public.narrowed(kind, f).count(),
        None => public.of_kind(kind).count(),
    });
    let late = (front && kind == Kind::Hazards && f.is_none()).then(|| overdue(public).len());
    let span = match (records.last(), records.first()) {
        (Some(oldest), Some(newest)) if !front => Some((oldest.published, newest.published)),
        _ => None,
    };
    let narrowings = public
        .lists()
        .filters(kind)
        .iter()
        .map(|(v, count)| (v, front.then_some(*count)))
        .collect();
    Some(ListPage {
        kind,
        filter: f,
        number: n,
        records: positions.into_iter().map(item).collect(),
        span,
        total,
        late,
        narrowings,
        nav: nav(paging, n, |k| url(kind, f, k)),
    })
}

/// The links of page `n`: the newer and the older page, and by number
/// the pages within two of this one (the first page: the three newest
/// and the oldest, and as the older one the newest that it does not show).
fn nav(paging: &Paging, n: usize, url: impl Fn(usize) -> String) -> Nav {
    let pages: Vec<usize> = paging.numbers().collect();
    let link = |k: usize| Some((k, url(k)));
    if n == FRONT {
        let mut links: Vec<_> = pages.iter().take(3).map(|&k| link(k)).collect();
        if let Some(&oldest) = pages.get(3..).and_then(<[usize]>::last) {
            if pages.len() > 4 {
                links.push(None);
            }
            links.push(link(oldest));
        }
        let older = paging.after_front().map(&url);
        // A single page, all of it shown here, is not worth a link.
        if older.is_none() && pages.len() < 2 {
            links.clear();
        }
        return Nav {
            newer: None,
            older,
            links,
        };
    }
    let j = pages.iter().position(|&k| k == n).unwrap_or(0);
    let newer = match j.checked_sub(1) {
        Some(i) => url(pages[i]),
        None => url(FRONT),
    };
    let near = pages[j.saturating_sub(2)..(j + 3).min(pages.len())]
        .iter()
        .map(|&k| link(k))
        .collect();
    Nav {
        newer: Some(newer),
        older: pages.get(j + 1).map(|&k| url(k)),
        links: near,
    }
}

/// The template context of a page of a list (list.html).
pub(super) fn context(page: ListPage) -> (&'static str, Value) {
    let kind = page.kind;
    let label = match page.filter {
        Some(f) => format!("{}（{}）", kind.label(), f.label()),
        None => kind.label().to_string(),
    };
    let lead = match (page.total, page.span) {
        (Some(total), _) => format!("共 {total} 条，按发布日期从新到旧排列。"),
        (None, Some((from, to))) if from == to => format!("本页列出 {from} 发布的信息。"),
        (None, Some((from, to))) => {
            format!("本页列出 {from} 至 {to} 发布的信息，按发布日期从新到旧排列。")
        }
        (None, None) => String::new(),
    };
    let links: Vec<Value> = page
        .nav
        .links
        .iter()
        .map(|l| match l {
            Some((n, url)) => context! { n => n, url => url },
            None => context! { gap => true },
        })
        .collect();
    let ctx = context! {
        kind => kind.dir(),
        kind_label => kind.label(),
        label => label,
        lead => lead,
        records => Value::from_serialize(&page.records),
        section => kind.dir(),
        page => page.number,
        first_page => url(kind, page.filter, FRONT),
        newer => page.nav.newer,
        older => page.nav.older,
        links => links,
        filters => bar(kind, page.filter, &page.narrowings),
        list_url => page.filter.map(|_| list_url(kind, FRONT)),
        overdue_total => page.late,
        // On the first page only: whether there are overdue hazards
        // changes with the date, not with the records of a numbered page.
        overdue_url => page.late.filter(|&n| n > 0).map(|_| overdue_url(1)),
    };
    ("list.html", ctx)
}

/// The bar of narrowings of a kind's list: for places and for years,
/// "all" and each value (with its count where given); `current` is the
/// one shown.
fn bar(kind: Kind, current: Option<&Filter>, values: &[(&Filter, Option<usize>)]) -> Value {
    let group = |name: &str, place: bool| {
        let of: Vec<Value> = values
            .iter()
            .filter(|(f, _)| matches!(f, Filter::Place(_)) == place)
            .map(|(f, count)| {
                context! {
                    label => f.label(),
                    count => count,
                    url => filter_url(kind, f, FRONT),
                    current => current == Some(*f),
                }
            })
            .collect();
        let here = current.is_some_and(|f| matches!(f, Filter::Place(_)) == place);
        (!of.is_empty()).then(|| {
            context! { name => name, values => of, current => here, all_url => list_url(kind, FRONT) }
        })
    };
    let groups: Vec<Value> = [group("地区", true), group("年份", false)]
        .into_iter()
        .flatten()
        .collect();
    Value::from(groups)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn paging(sizes: &[(usize, usize)], front: usize) -> Paging {
        Paging {
            pages: sizes.iter().map(|&(n, len)| (n, vec![0; len])).collect(),
            front,
        }
    }

    fn shown(nav: &Nav) -> String {
        nav.links
            .iter()
            .map(|l| l.as_ref().map_or("…".to_string(), |(n, _)| n.to_string()))
            .collect::<Vec<_>>()
            .join(" ")
    }

    #[test]
    fn the_first_page_links_the_newest_three_and_the_oldest() {
        // Pages 9 and 8 are on the first page.
        let p = paging(&[(9, 3), (8, 20), (7, 20), (6, 20), (2, 20)], 2);
        let nav = nav_of(&p, FRONT);
        assert_eq!(shown(&nav), "9 8 7 … 2");
        assert_eq!(nav.older.as_deref(), Some("p7"));
        assert_eq!(nav.newer, None);
        let long = paging(&[(9, 30), (7, 20), (6, 20), (5, 20), (3, 20), (2, 1)], 1);
        assert_eq!(shown(&nav_of(&long, FRONT)), "9 7 6 … 2");
        // All on the first page: its pages are still linked, nothing is
        // older.
        let short = paging(&[(2, 5), (1, 20)], 2);
        let nav = nav_of(&short, FRONT);
        assert_eq!(shown(&nav), "2 1");
        assert_eq!(nav.older, None);
        // One page, shown whole: no links at all.
        assert_eq!(shown(&nav_of(&paging(&[(1, 7)], 1), FRONT)), "");
    }

    fn nav_of(p: &Paging, n: usize) -> Nav {
        nav(p, n, |k| format!("p{k}"))
    }

    #[test]
    fn a_numbered_page_links_its_neighbours_by_number_skipping_empty_ones() {
        // Page 4 holds nothing listed now: it is not made or linked.
        let p = paging(
            &[(9, 3), (8, 20), (7, 20), (6, 20), (5, 20), (3, 20), (2, 1)],
            2,
        );
        let nav = nav_of(&p, 5);
        assert_eq!(shown(&nav), "7 6 5 3 2");
        assert_eq!(nav.newer.as_deref(), Some("p6"));
        assert_eq!(nav.older.as_deref(), Some("p3"));
        let newest = nav_of(&p, 9);
        assert_eq!(newest.newer.as_deref(), Some("p0"));
        assert_eq!(shown(&newest), "9 8 7");
        let oldest = nav_of(&p, 2);
        assert_eq!(oldest.older, None);
        assert_eq!(shown(&oldest), "5 3 2");
    }
}
