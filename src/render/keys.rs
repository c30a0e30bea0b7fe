//! Cache keys of pages made from Rust values: a rebuild knows whether such
//! a page changed before it builds the page's template context.

use super::list_pages::list_page_of;
use super::pages::{PageRef, out_path, record_body, record_template, view};
use crate::publish::PublicSite;
use std::sync::OnceLock;

/// The digest of each public record's view ([`view`]), made once in a
/// build for the key of its page and of every list page that shows it:
/// a list page's key is made of its records' digests, not their views
/// (each record is on several lists).
pub(super) struct Digests(Vec<OnceLock<[u8; 16]>>);

impl Digests {
    pub(super) fn new(public: &PublicSite) -> Digests {
        Digests((0..public.records.len()).map(|_| OnceLock::new()).collect())
    }

    /// The digest of the view of the public record at `i`.
    fn of(&self, public: &PublicSite, i: usize) -> [u8; 16] {
        let made = || crate::output::cache::digest(b"record", &view(&public.records[i]));
        match self.0.get(i) {
            Some(cell) => *cell.get_or_init(made),
            None => made(),
        }
    }
}

/// The output path, cache key and origin of a page whose key follows from
/// Rust values (a record's page, a party's, a page of a list, narrowed or
/// not), without making its template context. A record's page is made from its view
/// (with its section and body, which follow from the record), a party's
/// from the party, and both from their path (the rest of `here`, root and
/// canonical address, follows from it and the shared context): hashing
/// those Rust values is much cheaper than walking the template value made
/// from them, and says the same. A listed record's view and the views of
/// a list's records stand as their `digests`.
pub(super) fn quick_key<'p>(
    public: &'p PublicSite,
    page: &PageRef,
    cache: &crate::output::cache::PageCache,
    fingerprint: &str,
    digests: &Digests,
) -> Option<(String, String, Option<&'p str>)> {
    let out = out_path(public, page)?;
    match page {
        // A listed record by its digest, a removed one by its view.
        PageRef::Record(i) if *i < public.records.len() => {
            let r = &public.records[*i];
            let source = (digests.of(public, *i), r.kind.dir(), record_body(r));
            let key = cache.key(fingerprint, &(&out, record_template(r.kind), source));
            Some((out, key, Some(r.source.as_str())))
        }
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
            let page = list_page_of(public, kind, f, n, |i| digests.of(public, i))?;
            let key = cache.key(fingerprint, &(&out, "list.html", page));
            Some((out, key, None))
        }
    }
}
