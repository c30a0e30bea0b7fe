//! Live reload: the script every previewed page gets, the frame that
//! lets an edit replace a page's main part in place, and the event stream
//! that tells open pages a new version is there.

pub(super) fn inject_live_reload(body: &mut Vec<u8>) {
    inject_live_reload_framed(body, None);
}

/// The live reload script, with the page's [`frame`] if it has one: an
/// open page whose frame stays the same after a change takes the new
/// `<main>` in place (no reload: the scroll position stays, and the
/// browser neither fetches the page's files again nor runs its scripts).
pub(super) fn inject_live_reload_framed(body: &mut Vec<u8>, frame: Option<u64>) {
    let frame = frame
        .map(|f| format!(" data-frame=\"{f:016x}\""))
        .unwrap_or_default();
    let tag = format!("<script src=\"{}\"{frame} defer></script>", live_js_path());
    let tag = tag.as_bytes();
    if let Some(i) = body.windows(7).rposition(|w| w == b"</body>") {
        body.splice(i..i, tag.iter().copied());
    }
}

pub(super) fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

/// A hash of everything in a page but its `<main>` and `<title>`: two
/// versions of a page with the same frame differ only there. None when
/// the page has no `<main>`, or has a script in it, or a script outside
/// it that is not in `scripts` (it might change `<main>`, as the search
/// page's does): such a page is reloaded.
pub(super) fn frame(page: &[u8], scripts: &[&str]) -> Option<u64> {
    use std::hash::Hasher;
    // Tags are found in any case; the page itself is hashed.
    let lower = page.to_ascii_lowercase();
    let start = find(&lower, b"<main")?;
    let end = lower.windows(7).rposition(|w| w == b"</main>")? + 7;
    if end <= start || find(&lower[start..end], b"<script").is_some() {
        return None;
    }
    // Only the scripts that leave <main> alone.
    for part in [&lower[..start], &lower[end..]] {
        let mut rest = part;
        while let Some(i) = find(rest, b"<script") {
            rest = &rest[i + 7..];
            let tag = &rest[..find(rest, b">")?];
            let src = find(tag, b" src=\"").map(|j| &tag[j + 6..])?;
            let src = &src[..find(src, b"\"")?];
            let known =
                |s: &&str| !s.is_empty() && src.ends_with(s.to_ascii_lowercase().as_bytes());
            if !scripts.iter().any(known) {
                return None;
            }
        }
    }
    // The title changes with the record's; it is set apart.
    let mut h = crate::base::FastHasher::default();
    let head = &page[..start];
    match (
        find(&lower[..start], b"<title>"),
        find(&lower[..start], b"</title>"),
    ) {
        (Some(t), Some(u)) if t < u => {
            h.write(&head[..t]);
            h.write(&head[u..]);
        }
        _ => h.write(head),
    }
    h.write(&page[end..]);
    Some(h.finish())
}

/// The live reload script's URL, named by its content like the theme's.
pub(super) fn live_js_path() -> &'static str {
    static PATH: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    PATH.get_or_init(|| {
        format!(
            "/__gongshi/live.{}.js",
            crate::output::short_hash(LIVE_JS.as_bytes())
        )
    })
}

pub(super) const LIVE_JS: &str = r#"(function () {
  'use strict';
  var first = null;
  function overlay(errors) {
    var old = document.getElementById('gongshi-overlay');
    if (old) old.remove();
    if (!errors.length) return;
    var box = document.createElement('div');
    box.id = 'gongshi-overlay';
    box.setAttribute('role', 'alert');
    var s = box.style;
    s.position = 'fixed'; s.left = '0'; s.right = '0'; s.bottom = '0'; s.maxHeight = '60vh'; s.overflow = 'auto';
    s.background = '#fff5f5'; s.color = '#5c0000'; s.borderTop = '4px solid #b00020'; s.padding = '12px 16px';
    s.font = '14px/1.6 monospace'; s.zIndex = '2147483647';
    var h = document.createElement('strong');
    h.textContent = '内容有错误，页面仍为上一次成功生成的版本：';
    box.appendChild(h);
    // The errors that stop the preview first, each said to be one.
    var sorted = errors.filter(function (e) { return e.severity !== 'warning'; })
      .concat(errors.filter(function (e) { return e.severity === 'warning'; }));
    sorted.forEach(function (e) {
      var p = document.createElement('pre');
      p.style.whiteSpace = 'pre-wrap'; p.style.margin = '6px 0';
      if (e.severity === 'warning') p.style.color = '#5c4400';
      p.textContent = e.location + ' ' + (e.severity === 'warning' ? '警告' : '错误') + ' ' +
        (e.field ? '[' + e.field + '] ' : '') + e.message +
        (e.expected ? '\n    应为: ' + e.expected : '') + (e.found ? '\n    实际: ' + e.found : '');
      box.appendChild(p);
    });
    document.body.appendChild(box);
  }
  function status() {
    return fetch('/__gongshi/status').then(function (r) { return r.json(); });
  }
  var es = new EventSource('/__gongshi/events');
  function show() { status().then(function (st) { overlay(st.errors); }); }
  es.onmessage = function (ev) {
    var parts = ev.data.split(' ');
    var generation = parts[0], errors = Number(parts[1] || 0);
    if (first === null) { first = generation; if (errors) show(); return; }
    if (generation === first) return;
    // An error discards an update still on its way: it is older.
    if (errors) { pending++; first = generation; show(); } else { update(generation); }
  };
  // The page's new <main> in place when nothing else of it changed (the
  // server marks such pages with their frame); a reload otherwise. Only
  // the latest message's update is applied.
  var pending = 0;
  function update(generation) {
    var me = document.querySelector('script[data-frame]');
    if (!me || !window.fetch || !window.DOMParser) { location.reload(); return; }
    var mine = ++pending;
    fetch(location.href, { cache: 'no-store' })
      .then(function (r) { if (!r.ok) throw new Error(String(r.status)); return r.text(); })
      .then(function (html) {
        if (mine !== pending) return;
        var doc = new DOMParser().parseFromString(html, 'text/html');
        var next = doc.querySelector('script[data-frame]');
        var main = document.querySelector('main'), fresh = doc.querySelector('main');
        if (!next || next.getAttribute('data-frame') !== me.getAttribute('data-frame') || !main || !fresh) {
          location.reload();
          return;
        }
        first = generation;
        overlay([]);
        document.title = doc.title;
        main.replaceWith(document.adoptNode(fresh));
      })
      .catch(function () { location.reload(); });
  }
})();
"#;
