//! How published records point at each other: 关联 resolved both ways, and
//! the party pages that gather every record about one party.

use super::*;

/// The stable key of a party page: its credit code, or a slug of its name.
pub fn party_key(p: &Party) -> Option<String> {
    if p.is_person() {
        return None;
    }
    Some(match &p.code {
        Some(c) => c.clone(),
        None => {
            const HEX: &[u8; 16] = b"0123456789abcdef";
            let h = Sha256::digest(p.name.as_bytes());
            let mut key = String::with_capacity(14);
            key.push_str("n-");
            for b in &h[..6] {
                key.push(char::from(HEX[usize::from(b >> 4)]));
                key.push(char::from(HEX[usize::from(b & 15)]));
            }
            key
        }
    })
}

/// A removal notice links to its party's page only while that page
/// exists: party pages gather the listed records, and a party whose only
/// record is a removed entry has none.
pub(super) fn unlink_missing_parties(records: &[PubRecord], removed: &mut [PubRecord]) {
    let pages: std::collections::HashSet<&str> = records
        .iter()
        .filter_map(|r| r.party.as_ref()?.url.as_deref())
        .collect();
    for r in removed.iter_mut() {
        let orphan = r
            .party
            .as_ref()
            .and_then(|p| p.url.as_deref())
            .is_some_and(|u| !pages.contains(u));
        if orphan && let Some(p) = &mut Arc::make_mut(&mut r.core).party {
            p.url = None;
        }
    }
}

/// Resolve 关联 to public records (a link to something not public is
/// dropped), and the reverse links; returns the position of each record
/// in `records` then `removed` by kind and id.
pub(super) fn link_relations<'a>(
    content: &Content,
    records: &mut [PubRecord<'a>],
    removed: &mut [PubRecord<'a>],
) -> crate::base::FastMap<(Kind, &'a str), usize> {
    // Positions in `records` then `removed`; the links are made while the
    // records are read, then set.
    let (index, mut forward, mut back) = {
        let all: Vec<&PubRecord<'a>> = records.iter().chain(removed.iter()).collect();
        let index: crate::base::FastMap<(Kind, &'a str), usize> = all
            .iter()
            .enumerate()
            .map(|(i, r)| ((r.kind, r.meta.id.as_str()), i))
            .collect();
        let mut forward: Vec<Vec<Link>> = Vec::new();
        forward.resize_with(all.len(), Vec::new);
        let mut reverse: Vec<Vec<(Kind, &str, usize)>> = Vec::new();
        reverse.resize_with(all.len(), Vec::new);
        for r in content.records.iter().filter(|r| !r.related().is_empty()) {
            let Some(&from) = index.get(&(r.meta.kind, r.meta.id.as_str())) else {
                continue;
            };
            for rf in r.related() {
                if let Some(&to) = index.get(&(rf.kind, rf.id.as_str())) {
                    forward[from].push(all[to].link());
                    reverse[to].push((all[from].kind, all[from].id.as_str(), from));
                }
            }
        }
        let back: Vec<Vec<Link>> = reverse
            .into_iter()
            .map(|mut from| {
                from.sort_unstable();
                from.dedup();
                from.into_iter().map(|(_, _, i)| all[i].link()).collect()
            })
            .collect();
        (index, forward, back)
    };
    for (i, r) in records.iter_mut().chain(removed.iter_mut()).enumerate() {
        let f = std::mem::take(&mut forward[i]);
        if !f.is_empty() {
            let rel = f
                .iter()
                .map(|l| Data::Str(l.url.trim_end_matches(".html").into()))
                .collect();
            Arc::make_mut(&mut r.data).insert("关联", Data::List(rel));
            r.related = f;
        }
        let b = std::mem::take(&mut back[i]);
        if !b.is_empty() {
            r.referenced_by = b;
        }
    }
    index
}

/// A party page's key: its address without `parties/` and `.html`.
fn key_of_page(url: &str) -> &str {
    url.strip_prefix("parties/")
        .and_then(|k| k.strip_suffix(".html"))
        .unwrap_or(url)
}

/// The party pages of the listed `records`; each also links the removal
/// notices of its blacklist entries (`removed`, whose party link is kept
/// only where such a page exists: [`unlink_missing_parties`]), so that it
/// gathers everything published about the party.
pub(super) fn party_pages(records: &[PubRecord], removed: &[PubRecord]) -> Vec<PartyPage> {
    // Made at every preview update: the pages are found by a borrowed key
    // and sorted once at the end, not kept in a map of owned keys.
    let mut at: crate::base::FastMap<&str, usize> = Default::default();
    let mut pages: Vec<PartyPage> = Vec::new();
    // records are newest first: the first name seen is the current one
    for r in records {
        let Some(p) = &r.party else { continue };
        let Some(url) = &p.url else { continue };
        let key = key_of_page(url);
        let i = *at.entry(key).or_insert_with(|| {
            pages.push(PartyPage {
                key: key.to_string(),
                url: url.clone(),
                name: p.name.clone(),
                code: p.code.clone(),
                kind: p.kind.clone(),
                aliases: Vec::new(),
                records: Vec::new(),
                blacklisted: false,
            });
            pages.len() - 1
        });
        let page = &mut pages[i];
        if p.name != page.name && !page.aliases.contains(&p.name) {
            page.aliases.push(p.name.clone());
        }
        if r.kind == Kind::Blacklist && r.status == Some(Badge::Listed) {
            page.blacklisted = true;
        }
        page.records.push(r.link());
    }
    for r in removed {
        let Some(url) = r.party.as_ref().and_then(|p| p.url.as_deref()) else {
            continue;
        };
        let key = key_of_page(url);
        if let Some(&i) = at.get(key) {
            pages[i].records.push(r.link());
        }
    }
    // The keys are distinct.
    pages.sort_unstable_by(|a, b| a.key.cmp(&b.key));
    for p in &mut pages {
        p.aliases.sort();
        p.records.sort_by(|a, b| {
            (std::cmp::Reverse(a.date), a.kind, &a.url).cmp(&(
                std::cmp::Reverse(b.date),
                b.kind,
                &b.url,
            ))
        });
    }
    pages
}

/// Sort public records by kind, newest first, then id; equal keys keep
/// their order. The keys are gathered once: comparing the records
/// themselves reads each one's shared core, scattered over the heap, at
/// every comparison (at 20,000 records, a tenth of a preview update).
pub(super) fn sort_records(v: &mut Vec<PubRecord>) {
    let order: Vec<usize> = {
        let mut keys: Vec<(Kind, std::cmp::Reverse<NaiveDate>, &str, usize)> = v
            .iter()
            .enumerate()
            .map(|(i, r)| (r.kind, std::cmp::Reverse(r.published), r.id.as_str(), i))
            .collect();
        // The positions make the keys distinct.
        keys.sort_unstable();
        keys.into_iter().map(|k| k.3).collect()
    };
    let mut slots: Vec<Option<PubRecord>> = std::mem::take(v).into_iter().map(Some).collect();
    *v = order.into_iter().filter_map(|i| slots[i].take()).collect();
}
