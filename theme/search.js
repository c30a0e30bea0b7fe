/* gongshi search: runs the query of search.html?q=… against the static index.
 * The tokenizer and the query semantics mirror src/search/tokenize.rs and
 * src/search/query.rs exactly (tests compare them). No framework, no WASM. */
(function () {
  'use strict';
  var MAX_WORD = 40;
  var PER_PAGE = 10;

  function normalize(cp) {
    if (cp >= 0xff01 && cp <= 0xff5e) cp -= 0xfee0;
    else if (cp === 0x3000) return 32;
    if (cp >= 65 && cp <= 90) cp += 32;
    return cp;
  }
  function isCjk(cp) {
    return cp === 0x3007 || (cp >= 0x3040 && cp <= 0x30ff) || (cp >= 0x3400 && cp <= 0x4dbf) ||
      (cp >= 0x4e00 && cp <= 0x9fff) || (cp >= 0xf900 && cp <= 0xfaff) || (cp >= 0x20000 && cp <= 0x323af);
  }
  function isAlnum(cp) {
    return (cp >= 48 && cp <= 57) || (cp >= 97 && cp <= 122);
  }
  function tokensFrom(text, start) {
    var out = [], pos = start, word = '', wordLen = 0, gap = false;
    function push(t) {
      if (out.length) pos += gap ? 2 : 1;
      gap = false;
      out.push({ text: t, pos: pos });
    }
    for (var ch of text) {
      var cp = normalize(ch.codePointAt(0));
      if (isAlnum(cp)) {
        if (wordLen < MAX_WORD) { word += String.fromCodePoint(cp); wordLen++; }
        continue;
      }
      if (word) { push(word); word = ''; wordLen = 0; }
      if (isCjk(cp)) push(String.fromCodePoint(cp));
      else gap = true;
    }
    if (word) push(word);
    return out;
  }
  function tokens(text) { return tokensFrom(text, 0); }
  function queryTerms(q) {
    return q.split(/[\s\u3000]+/).map(tokens).filter(function (t) { return t.length > 0; });
  }
  // A run of tokens as the index spells it: a space between neighbours, '|'
  // where a separator stands between them (gram_key in tokenize.rs).
  function gramKey(run) {
    var k = '';
    for (var i = 0; i < run.length; i++) {
      if (i > 0) k += run[i].pos - run[i - 1].pos === 2 ? '|' : ' ';
      k += run[i].text;
    }
    return k;
  }
  // Where the span keys of a term longer than `gram` tokens start (span_starts).
  function spanStarts(len, gram) {
    var v = [];
    for (var s = 0; s + gram <= len; s += gram) v.push(s);
    if (len > gram && v[v.length - 1] + gram < len) v.push(len - gram);
    return v;
  }
  function exactKey(v) { return '=' + tokens(v).map(function (t) { return t.text; }).join(' '); }
  var encoder = typeof TextEncoder !== 'undefined' ? new TextEncoder() : null;
  function shardOf(key, shards) {
    var bytes = encoder.encode(key), h = 0x811c9dc5;
    for (var i = 0; i < bytes.length; i++) { h ^= bytes[i]; h = Math.imul(h, 0x01000193) >>> 0; }
    return h % Math.max(1, shards);
  }

  // Exposed for the tokenizer test (node) — no effect in the page.
  if (typeof module !== 'undefined' && module.exports) {
    module.exports = { tokens: tokens, queryTerms: queryTerms, gramKey: gramKey, spanStarts: spanStarts, exactKey: exactKey, shardOf: shardOf, search: search };
    return;
  }

  var script = document.currentScript;
  var root = script.getAttribute('data-root') || '';
  var manifestUrl = root + script.getAttribute('data-index');
  var base = manifestUrl.replace(/[^/]*$/, '');
  var cache = {};
  function fetchJSON(url) {
    if (!cache[url]) {
      cache[url] = fetch(url).then(function (r) {
        if (!r.ok) throw new Error(url + ': ' + r.status);
        return r.json();
      });
    }
    return cache[url];
  }

  function decodeDocs(arr) {
    var out = [], last = 0;
    for (var i = 0; i < arr.length; i++) { last += arr[i]; out.push(last); }
    return out;
  }
  // [Δdoc, Δdoc, -weight, …] → Map doc → weight
  function decodeWeighted(arr) {
    var m = new Map(), doc = 0, last = -1;
    for (var i = 0; i < arr.length; i++) {
      if (arr[i] < 0) m.set(last, -arr[i]);
      else { doc += arr[i]; last = doc; m.set(doc, 1); }
    }
    return m;
  }
  // [Δdoc, n, first, Δpos…]; first is 2·(p − body) or, in the title, 2·p + 1
  function decodePairs(arr, body) {
    var m = new Map(), i = 0, doc = 0;
    while (i < arr.length) {
      doc += arr[i++];
      var n = arr[i++], ps = [], p = 0;
      for (var j = 0; j < n; j++) {
        var v = arr[i++];
        p = j > 0 ? p + v : (v % 2 ? (v - 1) / 2 : body + v / 2);
        ps.push(p);
      }
      m.set(doc, ps);
    }
    return m;
  }
  function bsearch(arr, x) {
    var lo = 0, hi = arr.length - 1;
    while (lo <= hi) { var mid = (lo + hi) >> 1; if (arr[mid] === x) return true; if (arr[mid] < x) lo = mid + 1; else hi = mid - 1; }
    return false;
  }

  // Fetch the shards holding these keys; `load(url)` returns a promise of
  // JSON. A heavy list is not in its shard: the shard holds the number n
  // of the file h<n>.json that does (fetched by withFiles).
  // Phrase keys `~…` have shards of their own (p<n>.json).
  function shardFile(man, k) {
    return k.charAt(0) === '~' ? 'p' + shardOf(k, man.phrase_shards) : 's' + shardOf(k, man.shards);
  }
  function lookup(man, keys, load) {
    var shards = {};
    keys.forEach(function (k) { shards[shardFile(man, k)] = true; });
    return Promise.all(Object.keys(shards).map(function (s) { return load(man.dir + s + '.json'); }))
      .then(function (loaded) {
        var found = {};
        loaded.forEach(function (sh) { keys.forEach(function (k) { if (Object.prototype.hasOwnProperty.call(sh, k)) found[k] = sh[k]; }); });
        return found;
      });
  }
  function isFile(v) { return typeof v === 'number'; }
  function withFiles(man, found, keys, load) {
    var need = keys.filter(function (k) { return isFile(found[k]); });
    return Promise.all(need.map(function (k) { return load(man.dir + 'h' + found[k] + '.json'); }))
      .then(function (lists) { need.forEach(function (k, i) { found[k] = lists[i]; }); return found; });
  }

  function weightAt(man, pos) { return pos < man.body ? 10 : 1; }

  // Documents matching one term → Map doc → score (query.rs term_matches).
  function termMatches(man, term, found) {
    if (term.length <= man.gram) {
      var list = found[gramKey(term)];
      return list ? decodeWeighted(list) : new Map();
    }
    // A whole value (a company's name, a decision number) or a run of
    // gram + 1 tokens at a heavy span has its own list.
    var phrase = found['~' + gramKey(term)];
    if (phrase !== undefined) return decodeWeighted(phrase);
    var out = new Map(), base0 = term[0].pos, keys = [];
    var starts = spanStarts(term.length, man.gram);
    for (var i = 0; i < starts.length; i++) {
      var k = '@' + gramKey(term.slice(starts[i], starts[i] + man.gram));
      if (!found[k] || isFile(found[k])) return out;
      keys.push({ p: decodePairs(found[k], man.body), off: term[starts[i]].pos - base0 });
    }
    var r = 0;
    for (var j = 1; j < keys.length; j++) if (keys[j].p.size < keys[r].p.size) r = j;
    keys[r].p.forEach(function (ps0, doc) {
      var score = 0;
      ps0.forEach(function (p) {
        var origin = p - keys[r].off;
        if (origin < 0) return;
        for (var x = 0; x < keys.length; x++) {
          var ps = keys[x].p.get(doc);
          if (!ps || !bsearch(ps, origin + keys[x].off)) return;
        }
        score += weightAt(man, origin);
      });
      if (score > 0) out.set(doc, score);
    });
    return out;
  }

  // The keys a query fetches first: the whole query as an exact value, and
  // per term its gram key, or for a longer term its phrase key `~…`.
  function keysOf(man, terms, q) {
    var keys = [exactKey(q.trim())];
    terms.forEach(function (t) { keys.push((t.length <= man.gram ? '' : '~') + gramKey(t)); });
    return keys;
  }
  // Then the span keys of a longer term that has no phrase key.
  function spanKeys(man, t) {
    return spanStarts(t.length, man.gram).map(function (s) { return '@' + gramKey(t.slice(s, s + man.gram)); });
  }
  function moreKeys(man, terms, found) {
    var keys = [];
    terms.forEach(function (t) {
      if (t.length > man.gram && found['~' + gramKey(t)] === undefined) keys = keys.concat(spanKeys(man, t));
    });
    return keys;
  }
  // The heavy lists a query needs: none if a term matches nothing, which
  // the shards may tell already. A term whose key is missing matches
  // nothing; so does a run of gram + 1 tokens without a phrase key whose
  // first or last gram tokens are heavy, since it would have one had it
  // occurred anywhere.
  function listKeys(man, terms, found, q) {
    var keys = [exactKey(q.trim())], none = false;
    function need(k) { if (found[k] === undefined) none = true; else keys.push(k); }
    terms.forEach(function (t) {
      if (t.length <= man.gram) need(gramKey(t));
      else if (found['~' + gramKey(t)] !== undefined) need('~' + gramKey(t));
      else {
        var spans = spanKeys(man, t);
        if (t.length === man.gram + 1 && spans.some(function (k) { return isFile(found[k]); })) none = true;
        else spans.forEach(need);
      }
    });
    return none ? [] : keys;
  }

  function facetOf(facets, f, doc) { return facets.values[f][facets.docs[f].charCodeAt(doc) - 48]; }

  // All matches and the ones the facet filters leave, best first (query.rs search).
  function search(man, facets, q, filters, load) {
    var terms = queryTerms(q);
    if (!terms.length) return Promise.resolve({ hits: [], all: [] });
    return lookup(man, keysOf(man, terms, q), load).then(function (found) {
      var more = moreKeys(man, terms, found);
      if (!more.length) return found;
      return lookup(man, more, load).then(function (rest) {
        Object.keys(rest).forEach(function (k) { found[k] = rest[k]; });
        return found;
      });
    }).then(function (found) {
      return withFiles(man, found, listKeys(man, terms, found, q), load);
    }).then(function (found) {
      var acc = null;
      terms.forEach(function (t) {
        var m = termMatches(man, t, found);
        if (acc === null) acc = m;
        else {
          var next = new Map();
          acc.forEach(function (s, d) { if (m.has(d)) next.set(d, s + m.get(d)); });
          acc = next;
        }
      });
      var ek = exactKey(q.trim());
      var exact = found[ek] ? decodeDocs(found[ek]) : [];
      var all = [];
      acc.forEach(function (score, doc) { all.push({ doc: doc, score: score, exact: bsearch(exact, doc) }); });
      var hits = all.filter(function (h) {
        return man.facet_names.every(function (name, f) {
          var want = filters[name];
          return !want || !want.length || want.indexOf(facetOf(facets, f, h.doc)) >= 0;
        });
      });
      hits.sort(function (a, b) { return (b.exact - a.exact) || (b.score - a.score) || (a.doc - b.doc); });
      return { hits: hits, all: all };
    });
  }

  function esc(s) {
    return String(s).replace(/[&<>"']/g, function (c) { return { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }[c]; });
  }
  function normText(s) {
    var out = [];
    for (var ch of s) out.push(String.fromCodePoint(normalize(ch.codePointAt(0))));
    return out;
  }
  // Mark every occurrence of a term (as typed, normalized) in s.
  function highlight(s, terms) {
    var chars = Array.from(s), norm = normText(s), marks = new Array(chars.length).fill(false);
    terms.forEach(function (t) {
      var n = normText(t);
      if (!n.length) return;
      for (var i = 0; i + n.length <= norm.length; i++) {
        var ok = true;
        for (var j = 0; j < n.length; j++) if (norm[i + j] !== n[j]) { ok = false; break; }
        if (ok) for (var j2 = 0; j2 < n.length; j2++) marks[i + j2] = true;
      }
    });
    var html = '', open = false;
    for (var k = 0; k < chars.length; k++) {
      if (marks[k] && !open) { html += '<mark>'; open = true; }
      if (!marks[k] && open) { html += '</mark>'; open = false; }
      html += esc(chars[k]);
    }
    return html + (open ? '</mark>' : '');
  }

  function params() {
    var p = new URLSearchParams(location.search), filters = {};
    p.forEach(function (v, k) { if (k !== 'q' && k !== 'page') (filters[k] = filters[k] || []).push(v); });
    return { q: p.get('q') || '', page: Math.max(1, parseInt(p.get('page') || '1', 10) || 1), filters: filters };
  }
  function link(q, filters, page) {
    var p = new URLSearchParams();
    p.set('q', q);
    Object.keys(filters).forEach(function (k) { filters[k].forEach(function (v) { p.append(k, v); }); });
    if (page > 1) p.set('page', page);
    return '?' + p.toString();
  }

  function renderFacets(man, facets, res, st) {
    var box = document.getElementById('search-facets');
    var html = '';
    man.facet_names.forEach(function (name, f) {
      var counts = {};
      res.all.forEach(function (h) { var v = facetOf(facets, f, h.doc); if (v) counts[v] = (counts[v] || 0) + 1; });
      var vals = facets.values[f].filter(function (v) { return counts[v]; });
      if (!vals.length) return;
      html += '<fieldset class="facet"><legend>' + esc(man.facet_labels[f]) + '</legend>';
      vals.forEach(function (v) {
        var on = (st.filters[name] || []).indexOf(v) >= 0;
        html += '<label><input type="checkbox" form="search-form" name="' + esc(name) + '" value="' + esc(v) + '"' + (on ? ' checked' : '') + '> ' +
          esc(v) + ' <span class="count">' + counts[v] + '</span></label>';
      });
      html += '</fieldset>';
    });
    box.innerHTML = html;
    Array.prototype.forEach.call(box.querySelectorAll('input'), function (i) {
      i.addEventListener('change', function () { document.getElementById('search-form').submit(); });
    });
  }

  function run() {
    var st = params();
    var out = document.getElementById('search-results');
    var input = document.getElementById('q');
    input.value = st.q;
    if (!st.q.trim()) { out.innerHTML = '<p>请输入要搜索的单位名称、文号或关键词。</p>'; return; }
    out.innerHTML = '<p role="status">正在搜索…</p>';
    fetchJSON(manifestUrl).then(function (man) {
      return fetchJSON(base + man.dir + 'f.json').then(function (facets) {
        return search(man, facets, st.q, st.filters, function (u) { return fetchJSON(base + u); }).then(function (res) {
          renderFacets(man, facets, res, st);
          var total = res.hits.length, pages = Math.max(1, Math.ceil(total / PER_PAGE));
          var page = Math.min(st.page, pages), shown = res.hits.slice((page - 1) * PER_PAGE, page * PER_PAGE);
          var chunks = {};
          shown.forEach(function (h) { chunks[Math.floor(h.doc / man.chunk)] = true; });
          return Promise.all(Object.keys(chunks).map(function (c) {
            return fetchJSON(base + man.dir + 'd' + c + '.json').then(function (rows) { return [c, rows]; });
          })).then(function (loaded) {
            var rows = {};
            loaded.forEach(function (x) { rows[x[0]] = x[1]; });
            var terms = st.q.split(/[\s\u3000]+/).filter(Boolean);
            var html = '<p role="status">「' + esc(st.q) + '」共找到 ' + total + ' 条结果' + (pages > 1 ? '，第 ' + page + ' / ' + pages + ' 页' : '') + '。</p>';
            if (total) {
              html += '<ol class="record-list" start="' + ((page - 1) * PER_PAGE + 1) + '">';
              shown.forEach(function (h) {
                var d = rows[Math.floor(h.doc / man.chunk)][h.doc % man.chunk];
                html += '<li class="record-item"><h2 class="record-item__title"><a href="' + esc(root + d[0]) + '">' + highlight(d[1], terms) + '</a></h2>' +
                  '<p class="record-item__meta"><span>' + esc(d[2]) + '</span><span>' + esc(d[3]) + '</span>' + (d[4] ? '<span>' + highlight(d[4], terms) + '</span>' : '') + '</p>' +
                  (d[5] ? '<p class="snippet">' + highlight(d[5], terms) + '</p>' : '') + '</li>';
              });
              html += '</ol>';
            }
            if (pages > 1) {
              html += '<nav class="pagination" aria-label="搜索结果分页">' +
                (page > 1 ? '<a rel="prev" href="' + esc(link(st.q, st.filters, page - 1)) + '">上一页</a>' : '') +
                '<span aria-current="page">第 ' + page + ' / ' + pages + ' 页</span>' +
                (page < pages ? '<a rel="next" href="' + esc(link(st.q, st.filters, page + 1)) + '">下一页</a>' : '') + '</nav>';
            }
            out.innerHTML = html;
          });
        });
      });
    }).catch(function (e) {
      out.innerHTML = '<p role="alert">搜索暂时不可用（' + esc(e.message) + '）。</p>';
    });
  }
  run();
})();
