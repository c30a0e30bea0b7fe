//! Cache keys of pages made from Rust values: a rebuild knows whether such
//! a page changed before it builds the page's template context.

use super::list_pages::list_page;
use super::pages::{PageRef, out_path, record_body, record_template, view};
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
        // A page of a list, narrowed or not, from what it shows.
        _ => {
            let (kind, f, n) = page.list()?;
            let key = cache.key(
                fingerprint,
                &(&out, "list.html", list_page(public, kind, f, n)?),
            );
            Some((out, key, None))
        }
    }
}
