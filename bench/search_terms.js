// Bytes a later search downloads for terms of six to eight (or MIN to
// MAX) characters taken at random (seeded) from the records: the shards, lists and result
// chunks of the first page, gzipped, as search.html fetches them (without
// the page, which a later search does not reload).
//
//   node bench/search_terms.js SITE_DIR CORPUS_DIR [N [MIN MAX]]
'use strict';
const fs = require('fs');
const path = require('path');
const zlib = require('zlib');
const s = require(path.join(__dirname, '../theme/search.js'));

const [siteArg, corpusArg, nArg, minArg, maxArg] = process.argv.slice(2);
const min = Number(minArg || 6), max = Number(maxArg || 8);
const dir = path.join(siteArg, 'search/');
const man = JSON.parse(fs.readFileSync(dir + fs.readdirSync(dir).find((f) => f.startsWith('index.'))));
const facets = JSON.parse(fs.readFileSync(dir + man.facets));
let seed = 7;
const rnd = (m) => { seed = (seed * 1103515245 + 12345) % 2147483648; return seed % m; };
const files = fs.readdirSync(corpusArg, { recursive: true }).filter((f) => f.endsWith('.yaml')).sort();
const terms = [];
// A length is drawn first, then a run of Chinese characters at least that
// long; the draws stop after a bounded number of files, so that a range
// longer than any run in the corpus ends instead of searching for ever.
const wanted = Number(nArg || 200);
for (let tries = 0; terms.length < wanted && tries < 100 * wanted; tries++) {
  const n = min + rnd(max - min + 1);
  const text = fs.readFileSync(path.join(corpusArg, files[rnd(files.length)]), 'utf8');
  const runs = text.match(new RegExp('[\\u4e00-\\u9fff]{' + n + ',}', 'g')) || [];
  if (!runs.length) continue;
  const r = runs[rnd(runs.length)], i = rnd(r.length - n + 1);
  terms.push(r.slice(i, i + n));
}
if (terms.length < wanted) console.log(`only ${terms.length} of ${wanted} terms found: the corpus has few runs of ${min}-${max} characters`);
if (!terms.length) process.exit(0);
const gz = new Map();
const size = (f) => { if (!gz.has(f)) gz.set(f, zlib.gzipSync(fs.readFileSync(f)).length); return gz.get(f); };
(async () => {
  const bytes = [];
  for (const q of terms) {
    const seen = new Set();
    const load = (u) => { seen.add(dir + u); return Promise.resolve(JSON.parse(fs.readFileSync(dir + u))); };
    const r = await s.search(man, facets, q, {}, load);
    for (const h of r.hits.slice(0, 10)) seen.add(dir + man.rows + 'd' + Math.floor(h.doc / man.chunk) + '.json');
    let b = 0;
    for (const f of seen) b += size(f);
    bytes.push([b, q, r.hits.length]);
  }
  bytes.sort((a, b) => a[0] - b[0]);
  const at = (p) => (bytes[Math.min(bytes.length - 1, Math.floor(p * bytes.length))][0] / 1024).toFixed(1);
  const over = bytes.filter((b) => b[0] > 20 * 1024).length;
  console.log(`${bytes.length} terms of ${min}-${max} characters: median ${at(0.5)} KB, 90th percentile ${at(0.9)} KB, largest ${at(1)} KB (${bytes[bytes.length - 1][1]}, ${bytes[bytes.length - 1][2]} hits); over 20 KB: ${over}`);
})();
