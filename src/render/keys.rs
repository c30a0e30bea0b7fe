//! Cache keys of pages made from Rust values: a rebuild knows whether such
//! a page changed before it builds the page's template context.

use super::lists::{filter_values, overdue, page_views};
use super::pages::{PageRef, out_path, record_body, record_template, view};
use crate::content::model::Kind;
use crate::publish::PublicSite;

/// The output path, cache key and origin of a page whose key follows from
/// Rust values (a record's page, a party's, a page of a list, narrowed or
/// not), without making its template context. A record's page is made from its view
/// (with its section and body, which follow from the record), a party's
/// from the party, and both from their path (the rest of `here`, root and
/// canonical address, follows from it and the shared context): hashing
/// those Rust values is much cheaper than walking the template value made
/// from them, and says the same.
pub(super) fn quick_key<'p>(
    public: &'p PublicSite,
    page: &PageRef,
    cache: &crate::output::cache::PageCache,
    fingerprint: &str,
) -> Option<(String, String, Option<&'p str>)> {
    let out = out_path(public, page)?;
    match page {
        PageRef::Record(i) => public.page(*i).map(|r| {
            let source = (view(r), r.kind.dir(), record_body(r));
            let key = cache.key(fingerprint, &(&out, record_template(r.kind), source));
            (out, key, Some(r.source.as_str()))
        }),
        PageRef::Party(i) => public.parties().get(*i).map(|party| {
            let key = cache.key(fingerprint, &(&out, "party.html", party));
            (out, key, None)
        }),
        // A page of a list, from its records, their number and the page's
        // number (the rest of list.html's context follows).
        PageRef::List(kind, n) => {
            let kind = *kind;
            let total = public.of_kind(kind).count();
            let filters = filter_values(public, kind);
            let late = (kind == Kind::Hazards).then(|| overdue(public).len());
            let views = page_views(public.of_kind(kind), *n);
            let source = (kind.dir(), *n, total, views, (filters, late));
            let key = cache.key(fingerprint, &(&out, "list.html", source));
            Some((out, key, None))
        }
        // A page of a narrowed list, likewise, with its narrowing (the
        // label, the addresses and the bar of narrowings follow).
        PageRef::Filtered(kind, f, n) => {
            let kind = *kind;
            let total = public.narrowed(kind, f).count();
            let views = page_views(public.narrowed(kind, f), *n);
            let source = (kind.dir(), f, *n, total, views, filter_values(public, kind));
            let key = cache.key(fingerprint, &(&out, "list.html", source));
            Some((out, key, None))
        }
        _ => None,
    }
}
