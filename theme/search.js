/* gongshi search: runs the query of search.html?q=… against the static index.
 * The tokenizer and the query semantics mirror src/search/tokenize.rs and
 * src/search/query.rs exactly (tests compare them). No framework, no WASM. */
(function () {
  'use strict';
  var MAX_WORD = 40;
  var PER_PAGE = 10;
  // The forgiving tier (see near()).
  var FORMS = ['有限责任公司', '股份有限公司', '有限公司', '分公司', '有限责任', '股份', '有限', '公司'];
  var NEAR_FEW = 5, NEAR_MAX = 10, NEAR_CHECK = 10, NEAR_GAP = 2;

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
  function spanStarts(term, gram) {
    var len = term.length, v = [], s = 0;
    if (len < gram) return v;
    for (;;) {
      v.push(s);
      var next = s + gram;
      if (next + gram > len) break;
      s = term[next].pos - term[next - 1].pos === 2 ? next - 1 : next;
    }
    if (v[v.length - 1] + gram < len) v.push(len - gram);
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
    module.exports = { tokens: tokens, queryTerms: queryTerms, gramKey: gramKey, spanStarts: spanStarts, exactKey: exactKey, shardOf: shardOf, search: search, near: near, coreOf: coreOf, NEAR_FEW: NEAR_FEW };
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
  // A heavy list in its file: n (documents, or a span's positions), or
  // {f: n} (a run's positions); in a large tier, in ranges of document
  // numbers, {h: n, r: [j…]} or {f: n, r: [j…]}, files h<n>r<j>.json
  // whose arrays joined are the list.
  function isObject(v) { return v !== null && typeof v === 'object'; }
  function isFile(v) { return typeof v === 'number' || isRunFile(v) || (isObject(v) && typeof v.h === 'number'); }
  function isRunFile(v) { return isObject(v) && typeof v.f === 'number'; }
  function fileOf(v) { return typeof v === 'number' ? v : isRunFile(v) ? v.f : v.h; }
  function filesOf(man, v) {
    var n = man.dir + 'h' + fileOf(v);
    return isObject(v) && Array.isArray(v.r) ? v.r.map(function (j) { return n + 'r' + j + '.json'; }) : [n + '.json'];
  }
  function joined(v, got) {
    if (!(isObject(v) && Array.isArray(v.r))) return got[0];
    var all = [].concat.apply([], got);
    return isRunFile(v) ? { p: all } : all;
  }
  // A run's positions: light, in its shard ({p: […]}), or heavy, in its file.
  function hasPositions(v) { return isRunFile(v) || (isObject(v) && Array.isArray(v.p)); }
  function withFiles(man, found, keys, load) {
    var need = keys.filter(function (k) { return isFile(found[k]); });
    return Promise.all(need.map(function (k) { return Promise.all(filesOf(man, found[k]).map(load)); }))
      .then(function (lists) { need.forEach(function (k, i) { found[k] = joined(found[k], lists[i]); }); return found; });
  }

  function weightAt(man, pos) { return pos < man.body ? 10 : 1; }

  // A term of at most gram tokens has one key; a longer one, if it is a
  // whole value (a company's name, a decision number) or a run at a heavy
  // key (add_runs in index.rs), its phrase key `~…`. Otherwise it is pinned
  // down by the positions of pieces: its span keys `@…` (spanStarts), each
  // heavy one grown, a token at a time, into the run `~…` that holds it
  // (the last span leftwards, the others rightwards, then leftwards at the
  // end of the term) until that run is light. A light run's list holds
  // positions ({p: […]}), a heavy run's its documents, but a run of
  // man.run tokens always its positions: a longer term is pinned down by
  // them where its runs are still heavy at that length. A run that would
  // have a key but has none occurs nowhere; so does a span without a key.
  // plan → {need: keys to fetch first} | {none: true} | {whole: key} |
  // {pieces: [{key, off}]}; `asked` holds every key fetched so far.
  function plan(man, t, found, asked) {
    if (t.length <= man.gram) {
      var g = gramKey(t);
      if (!asked[g]) return { need: [g] };
      return found[g] === undefined ? { none: true } : { whole: g };
    }
    var w = '~' + gramKey(t);
    if (!asked[w]) return { need: [w] };
    if (found[w] !== undefined) return { whole: w };
    var k = t.length, starts = spanStarts(t, man.gram), pieces = [], need = [];
    function piece(a, b, key) { pieces.push({ key: key, off: t[a].pos - t[0].pos, a: a, b: b }); }
    // Whether pieces, each overlapping the one before, cover the term.
    function coverAll() {
      var sorted = pieces.slice().sort(function (x, y) { return x.a - y.a; }), end = 0;
      for (var j = 0; j < sorted.length; j++) {
        if (sorted[j].a > 0 && sorted[j].a >= end) return false;
        end = Math.max(end, sorted[j].b);
      }
      return end === k;
    }
    // The piece of span i: pushed into pieces, or its next key into need;
    // false if the term occurs nowhere.
    function pinSpan(i) {
      var s = starts[i], a = s, b = s + man.gram, back = i > 0 && i === starts.length - 1;
      // A span inside a piece already found needs no piece of its own.
      if (pieces.some(function (p) { return p.a <= a && b <= p.b; })) return true;
      if (k > man.run) {
        // A term longer than the longest run: first the run of man.run
        // tokens that holds the span, which has positions if it has a key
        // at all (a common phrase's pieces are heavy up to that length).
        var pa = s + man.run <= k ? s : k - man.run, pk = '~' + gramKey(t.slice(pa, pa + man.run));
        if (!asked[pk]) { need.push(pk); return true; }
        if (hasPositions(found[pk])) { piece(pa, pa + man.run, pk); return true; }
      }
      for (;;) {
        var span = b - a === man.gram, key = (span ? '@' : '~') + gramKey(t.slice(a, b)), v = found[key];
        if (!asked[key]) { need.push(key); return true; }
        if (v === undefined) return false;
        // A light span, or a run with positions: light, or of man.run
        // tokens, which keeps them even when heavy ({f: n}).
        if (span ? !isFile(v) : hasPositions(v)) { piece(a, b, key); return true; }
        if (b - a === man.run) {
          // No longer run has a list: the heavy span's positions.
          piece(s, s + man.gram, '@' + gramKey(t.slice(s, s + man.gram)));
          return true;
        }
        // Right, or left for the last span and at the end of the term.
        if ((back || b === k) && a > 0) a--; else b++;
        if (a === 0 && b === k) return false;
      }
    }
    // The first and the last span first: their pieces, grown towards each
    // other, often meet; the spans between are pinned down only if not.
    var last = starts.length - 1;
    if (!pinSpan(0) || (last > 0 && !pinSpan(last))) return { none: true };
    if (need.length) return { need: need };
    if (coverAll()) return { pieces: pieces };
    for (var i = 1; i < last; i++) if (!pinSpan(i)) return { none: true };
    return need.length ? { need: need } : { pieces: pieces };
  }
  // The lists a plan reads.
  function planKeys(p) {
    return p.whole ? [p.whole] : p.pieces ? p.pieces.map(function (x) { return x.key; }) : [];
  }
  function positionsOf(v) { return Array.isArray(v) ? v : v.p; }
  function scoresOf(man, positions) {
    var out = new Map();
    positions.forEach(function (ps, doc) {
      var score = 0;
      ps.forEach(function (p) { score += weightAt(man, p); });
      out.set(doc, score);
    });
    return out;
  }

  // Documents matching one term → Map doc → score (query.rs term_matches).
  function termMatches(man, p, found) {
    if (p.none) return new Map();
    if (p.whole) {
      var v = found[p.whole];
      return Array.isArray(v) ? decodeWeighted(v) : scoresOf(man, decodePairs(v.p, man.body));
    }
    var out = new Map();
    var keys = p.pieces.map(function (x) { return { p: decodePairs(positionsOf(found[x.key]), man.body), off: x.off }; });
    var r = 0;
    for (var j = 1; j < keys.length; j++) if (keys[j].p.size < keys[r].p.size) r = j;
    keys[r].p.forEach(function (ps0, doc) {
      var score = 0;
      ps0.forEach(function (pos) {
        var origin = pos - keys[r].off;
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

  // The value of facet f of a document: facets are written in groups, a
  // column of characters per group naming the combination of values
  // (search/tiers.rs facet_table).
  function facetOf(facets, f, doc) {
    if (!facets.at) {
      facets.at = [];
      facets.groups.forEach(function (g, i) { g.forEach(function (ff, j) { facets.at[ff] = [i, j]; }); });
    }
    var at = facets.at[f], combo = facets.combos[at[0]][facets.docs[at[0]].charCodeAt(doc) - 65];
    return combo ? facets.values[f][combo[at[1]]] : undefined;
  }

  // All matches and the ones the facet filters leave, best first (query.rs search).
  // The shards are fetched in rounds, each with the keys the plans need
  // next; then the heavy lists the plans read, none if a term matches
  // nothing.
  // The index is in tiers (search/tiers.rs), each complete for its own
  // documents: a query is asked of each and the hits merged.
  function tiersOf(man) {
    return (man.tiers || []).map(function (t) { return Object.assign({}, man, t); });
  }
  function byRank(a, b) { return (b.exact - a.exact) || (b.score - a.score) || (b.doc - a.doc); }
  function search(man, facets, q, filters, load) {
    return Promise.all(tiersOf(man).map(function (t) { return searchTier(t, facets, q, filters, load); }))
      .then(function (rs) {
        var hits = [], all = [];
        rs.forEach(function (r) { hits = hits.concat(r.hits); all = all.concat(r.all); });
        hits.sort(byRank);
        return { hits: hits, all: all };
      });
  }
  function searchTier(man, facets, q, filters, load) {
    var terms = queryTerms(q);
    if (!terms.length) return Promise.resolve({ hits: [], all: [] });
    var ek = exactKey(q.trim()), found = {}, asked = {};
    function round(need) {
      var keys = need.filter(function (k) { return !asked[k]; });
      keys.forEach(function (k) { asked[k] = true; });
      return lookup(man, keys, load).then(function (got) {
        Object.keys(got).forEach(function (k) { found[k] = got[k]; });
        var plans = terms.map(function (t) { return plan(man, t, found, asked); });
        var more = [];
        plans.forEach(function (p) { if (p.need) more = more.concat(p.need); });
        return more.length ? round(more) : plans;
      });
    }
    // First the exact value and what each term's plan needs to start.
    var first = [ek];
    terms.forEach(function (t) { first = first.concat(plan(man, t, found, asked).need); });
    return round(first).then(function (plans) {
      var none = plans.some(function (p) { return p.none; });
      var keys = none ? [] : [ek];
      if (!none) plans.forEach(function (p) { keys = keys.concat(planKeys(p)); });
      return withFiles(man, found, keys, load).then(function () { return plans; });
    }).then(function (plans) {
      var acc = null;
      plans.forEach(function (p) {
        var m = termMatches(man, p, found);
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
      return { hits: hits, all: all };
    });
  }

  // The second tier, 相近结果, asked for when exact matches are few: the
  // records that match once the company-form words (有限, 公司, …) are left
  // out of the query, and those whose title or party name holds the
  // query's characters in order with at most NEAR_GAP others between two
  // of them. Candidates for the second kind share the query's rarer
  // characters (their lists are light: a common character's heavy list is
  // never fetched); at most NEAR_CHECK of them are read and checked.
  function coreOf(q) {
    var c = q;
    FORMS.forEach(function (f) { c = c.split(f).join(' '); });
    return c.replace(/[\s\u3000]+/g, ' ').trim();
  }
  // Whether the tokens of `needle` occur in `hay` in order, each at most
  // `gap` tokens after the one before.
  function inOrder(hay, needle, gap) {
    var h = tokens(hay).map(function (t) { return t.text; }), n = needle;
    if (!n.length) return false;
    function from(i, j) {
      if (j === n.length) return true;
      for (var k = i; k < h.length && k <= i + gap; k++) if (h[k] === n[j] && from(k + 1, j + 1)) return true;
      return false;
    }
    for (var s0 = 0; s0 < h.length; s0++) if (h[s0] === n[0] && from(s0 + 1, 1)) return true;
    return false;
  }
  function passes(man, facets, filters, doc) {
    return man.facet_names.every(function (name, f) {
      var want = filters[name];
      return !want || !want.length || want.indexOf(facetOf(facets, f, doc)) >= 0;
    });
  }
  function rowsOf(man, docs, load) {
    var chunks = {};
    docs.forEach(function (d) { chunks[Math.floor(d / man.chunk)] = true; });
    return Promise.all(Object.keys(chunks).map(function (c) {
      return load(man.rows + 'd' + c + '.json').then(function (rows) { return [c, rows]; });
    })).then(function (loaded) {
      var rows = {};
      loaded.forEach(function (x) { rows[x[0]] = x[1]; });
      return function (d) { return rows[Math.floor(d / man.chunk)][d % man.chunk]; };
    });
  }
  // The documents of one tier that hold all of `distinct` (the query's
  // characters), by their light lists, with the sum of their weights.
  function nearCandidates(man, facets, filters, load, distinct, seen) {
    return lookup(man, distinct, load).then(function (found) {
      // A character that occurs nowhere: nothing holds them all.
      if (distinct.some(function (k) { return found[k] === undefined; })) return [];
      var light = distinct.filter(function (k) { return !isFile(found[k]) && Array.isArray(found[k]); });
      if (!light.length) return [];
      var acc = null;
      light.forEach(function (k) {
        var m = decodeWeighted(found[k]);
        if (acc === null) { acc = m; return; }
        var next = new Map();
        acc.forEach(function (w, d) { if (m.has(d)) next.set(d, w + m.get(d)); });
        acc = next;
      });
      var cands = [];
      acc.forEach(function (w, d) { if (!seen.has(d) && passes(man, facets, filters, d)) cands.push({ doc: d, score: w }); });
      return cands;
    });
  }
  // → {hits: [{doc, score}], names: [party names to suggest]}
  function near(man, facets, q, filters, load, exact) {
    var seen = new Set(exact.map(function (h) { return h.doc; }));
    var out = [];
    var core = coreOf(q);
    var byCore = core && core !== q.trim().replace(/[\s\u3000]+/g, ' ') && tokens(core).length >= 2
      ? search(man, facets, core, filters, load) : Promise.resolve({ hits: [] });
    var want = tokens(core.replace(/[\s\u3000]+/g, '')).map(function (t) { return t.text; });
    return byCore.then(function (r) {
      r.hits.forEach(function (h) { if (!seen.has(h.doc)) { seen.add(h.doc); out.push({ doc: h.doc, score: h.score }); } });
      var distinct = want.filter(function (t, i) { return want.indexOf(t) === i; });
      // The character tier only when leaving out the forms found few.
      if (out.length >= NEAR_FEW || distinct.length < 2) return out;
      return Promise.all(tiersOf(man).map(function (t) { return nearCandidates(t, facets, filters, load, distinct, seen); })).then(function (lists) {
        var cands = [].concat.apply([], lists);
        cands.sort(function (a, b) { return (b.score - a.score) || (b.doc - a.doc); });
        cands = cands.slice(0, NEAR_CHECK);
        if (!cands.length) return out;
        return rowsOf(man, cands.map(function (c) { return c.doc; }), load).then(function (row) {
          cands.forEach(function (c) {
            var d = row(c.doc);
            if (d && (inOrder(d[1], want, NEAR_GAP) || inOrder(d[4] || '', want, NEAR_GAP))) out.push(c);
          });
          return out;
        });
      });
    }).then(function (hits) {
      hits = hits.slice(0, NEAR_MAX);
      return rowsOf(man, hits.map(function (h) { return h.doc; }), load).then(function (row) {
        var names = [];
        hits.forEach(function (h) {
          var name = (row(h.doc) || [])[4];
          if (name && name !== q.trim() && names.indexOf(name) < 0 && names.length < 3) names.push(name);
        });
        return { hits: hits, names: names };
      });
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
      // A value's count: the results it would give with the other
      // groups' choices as they are; a ticked value stays listed.
      var others = {}, mine = st.filters[name] || [], counts = {};
      Object.keys(st.filters).forEach(function (k) { if (k !== name) others[k] = st.filters[k]; });
      res.all.forEach(function (h) {
        if (!passes(man, facets, others, h.doc)) return;
        var v = facetOf(facets, f, h.doc);
        if (v) counts[v] = (counts[v] || 0) + 1;
      });
      var vals = facets.values[f].filter(function (v) { return counts[v] || mine.indexOf(v) >= 0; });
      if (!vals.length) return;
      html += '<fieldset class="facet"><legend>' + esc(man.facet_labels[f]) + '</legend>';
      vals.forEach(function (v) {
        var on = mine.indexOf(v) >= 0;
        html += '<label><input type="checkbox" form="search-form" name="' + esc(name) + '" value="' + esc(v) + '"' + (on ? ' checked' : '') + '> ' +
          esc(v) + ' <span class="count">' + (counts[v] || 0) + '</span></label>';
      });
      html += '</fieldset>';
    });
    box.innerHTML = html;
    Array.prototype.forEach.call(box.querySelectorAll('input'), function (i) {
      i.addEventListener('change', function () {
        var form = document.getElementById('search-form');
        if (form.requestSubmit) form.requestSubmit(); else form.submit();
      });
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
      return fetchJSON(base + man.facets).then(function (facets) {
        var load = function (u) { return fetchJSON(base + u); };
        return search(man, facets, st.q, st.filters, load).then(function (res) {
          renderFacets(man, facets, res, st);
          var few = res.hits.length < NEAR_FEW;
          return (few ? near(man, facets, st.q, st.filters, load, res.hits) : Promise.resolve(null)).then(function (close) {
            var total = res.hits.length, pages = Math.max(1, Math.ceil(total / PER_PAGE));
            var page = Math.min(st.page, pages), shown = res.hits.slice((page - 1) * PER_PAGE, page * PER_PAGE);
            var more = close ? close.hits : [];
            return rowsOf(man, shown.concat(more).map(function (h) { return h.doc; }), load).then(function (row) {
              var terms = st.q.split(/[\s\u3000]+/).filter(Boolean);
              var item = function (h, words) {
                var d = row(h.doc);
                return '<li class="record-item"><h3 class="record-item__title"><a href="' + esc(root + d[0]) + '">' + highlight(d[1], words) + '</a></h3>' +
                  '<p class="record-item__meta"><span>' + esc(d[2]) + '</span><span>' + esc(d[3]) + '</span>' + (d[4] ? '<span>' + highlight(d[4], words) + '</span>' : '') + '</p>' +
                  (d[5] ? '<p class="snippet">' + highlight(d[5], words) + '</p>' : '') + '</li>';
              };
              var html = '<p role="status">「' + esc(st.q) + '」共找到 ' + total + ' 条结果' + (pages > 1 ? '，第 ' + page + ' / ' + pages + ' 页' : '') +
                (more.length ? '，另有 ' + more.length + ' 条相近结果' : '') + '。</p>';
              if (close && close.names.length) {
                html += '<p class="did-you-mean">您是不是要找：' + close.names.map(function (n) {
                  return '<a href="' + esc(link(n, {}, 1)) + '">' + esc(n) + '</a>';
                }).join('、') + '</p>';
              }
              if (total) {
                html += '<h2 class="visually-hidden">搜索结果</h2><ol class="record-list" start="' + ((page - 1) * PER_PAGE + 1) + '">';
                shown.forEach(function (h) { html += item(h, terms); });
                html += '</ol>';
              }
              if (pages > 1) {
                html += '<nav class="pagination" aria-label="搜索结果分页"><ul>' +
                  (page > 1 ? '<li><a rel="prev" href="' + esc(link(st.q, st.filters, page - 1)) + '">上一页</a></li>' : '') +
                  '<li><span class="pagination__current" aria-current="page">第 ' + page + ' / ' + pages + ' 页</span></li>' +
                  (page < pages ? '<li><a rel="next" href="' + esc(link(st.q, st.filters, page + 1)) + '">下一页</a></li>' : '') + '</ul></nav>';
              }
              if (more.length) {
                var coreWords = coreOf(st.q).split(' ').filter(Boolean);
                html += '<section class="near-results" aria-labelledby="near-h"><h2 id="near-h">相近结果</h2>' +
                  '<p class="near-note">以下记录与「' + esc(st.q) + '」不完全相同，是忽略“有限公司”等字样后相同、或字序相同而略有出入的名称，请核对。</p>' +
                  '<ol class="record-list">';
                more.forEach(function (h) { html += item(h, coreWords); });
                html += '</ol></section>';
              } else if (!total) {
                html += '<div class="no-results"><p>没有找到相符的信息。建议：</p><ul><li>检查名称中的字是否有误；</li><li>只输入名称中有代表性的部分，如“鑫源燃气”；</li>' +
                  '<li>输入统一社会信用代码或决定书文号；</li><li>按<a href="' + esc(root) + 'parties/index.html">当事人索引</a>查找。</li></ul></div>';
              }
              out.innerHTML = html;
            });
          });
        });
      });
    }).catch(function (e) {
      out.innerHTML = '<p role="alert">搜索暂时不可用（' + esc(e.message) + '）。</p>';
    });
  }
  // A new query, a facet or another page of results is searched without
  // reloading the page (the address still links to the search); without
  // the History API the form and links work as plain navigation.
  if (window.history && history.pushState) {
    var form = document.getElementById('search-form');
    var go = function (url) { history.pushState(null, '', url); run(); };
    form.addEventListener('submit', function (e) {
      e.preventDefault();
      var p = new URLSearchParams();
      // A new query starts without the last one's choices of facets.
      var fresh = form.elements.q && form.elements.q.value !== params().q;
      Array.prototype.forEach.call(form.elements, function (el) {
        if (!el.name || el.disabled || ((el.type === 'checkbox' || el.type === 'radio') && !el.checked)) return;
        if (fresh && el.type === 'checkbox') return;
        p.append(el.name, el.value);
      });
      go('?' + p.toString());
    });
    document.getElementById('search-results').addEventListener('click', function (e) {
      var a = e.target.closest && e.target.closest('.pagination a');
      if (!a) return;
      e.preventDefault();
      go(a.getAttribute('href'));
      document.getElementById('search-results').scrollIntoView();
    });
    window.addEventListener('popstate', run);
  }
  run();
})();
