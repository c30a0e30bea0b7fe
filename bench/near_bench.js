// The forgiving search (相近结果) on a built site, in headless Chromium:
// recall on company names written the way people misremember them, and the
// gzipped bytes a visitor downloads for the first query (from a link) and
// for each later one (typed in the page).
//
//   node bench/near_bench.js SITE_DIR [NAMES]
//
// The names are the parties of the site's actions (data/actions.json),
// every NAMES-th of them (default: 60 names in all). For each name, the
// variants: 有限 left out; the city prefix (…市) left out; 公司 and 有限公司
// swapped; the 市 of the prefix left out. A variant is found when the
// name's first record is among the exact results or the 相近结果.
'use strict';
const fs = require('fs');
const path = require('path');
const server = require('./gzip_server');
const { chromium } = require(path.join(__dirname, '../tools/web/node_modules/playwright-core'));

const [siteArg, wantArg] = process.argv.slice(2);
const site = path.resolve(siteArg);
const want = parseInt(wantArg || '60', 10);

// The city of the site: the place its authority is named after
// (海城市市场监督管理局 → 海城), which company names start with.
let cityName = null;
function variants(name) {
  const out = [];
  if (name.includes('有限公司')) out.push(['dropped 有限', name.replace('有限公司', '公司')]);
  const city = name.match(/^(.{1,4}?[市县区])(.+)$/) || (cityName && name.startsWith(cityName) && name.length > cityName.length + 2 ? [name, cityName, name.slice(cityName.length)] : null);
  if (city) out.push(['dropped city prefix', city[2]]);
  if (name.endsWith('有限公司')) out.push(['公司 for 有限公司', name.slice(0, -4) + '公司']);
  else if (name.endsWith('公司')) out.push(['有限公司 for 公司', name.slice(0, -2) + '有限公司']);
  if (city && city[1].endsWith('市')) out.push(['dropped 市', city[1].slice(0, -1) + city[2]]);
  return out;
}

async function main() {
  const actions = JSON.parse(fs.readFileSync(path.join(site, 'data/actions.json'), 'utf8'));
  const rows = Array.isArray(actions) ? actions : actions.records || actions.data || [];
  const first = new Map();
  for (const r of rows) {
    const n = r['当事人'] && r['当事人']['名称'];
    if (n && /公司$/.test(n) && !first.has(n)) first.set(n, r.url);
  }
  const authority = rows.map((r) => r['决定机关']).find((a) => a && a.includes('市'));
  if (authority) cityName = authority.slice(0, authority.indexOf('市'));
  const names = [...first.keys()];
  const every = Math.max(1, Math.floor(names.length / want));
  const picked = names.filter((_, i) => i % every === 0).slice(0, want);
  const srv = await server.start(site);
  const base = srv.base;
  const browser = await chromium.launch({ executablePath: process.env.CHROMIUM || '/usr/bin/chromium', args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--disable-background-networking', '--disable-component-update', '--disable-sync'] });
  const ctx = await browser.newContext();
  const page = await ctx.newPage();
  const byKind = {};
  const bytes = { first: 0, later: [] };
  let i = 0;
  for (const name of picked) {
    for (const [kind, q] of variants(name)) {
      srv.reset();
      if (i === 0) await page.goto(base + 'search.html?q=' + encodeURIComponent(q));
      else {
        await page.fill('#q', q);
        await page.press('#q', 'Enter');
      }
      await page.waitForFunction((q) => {
        const s = document.querySelector('#search-results [role="status"]');
        return s && s.textContent.includes('「' + q + '」');
      }, q);
      const urls = await page.$$eval('#search-results a', (as) => as.map((a) => a.getAttribute('href')));
      const found = urls.some((u) => u && u.endsWith(first.get(name)));
      (byKind[kind] = byKind[kind] || { asked: 0, found: 0, missed: [] }).asked++;
      if (found) byKind[kind].found++;
      else if (byKind[kind].missed.length < 5) byKind[kind].missed.push(q);
      if (i === 0) bytes.first = srv.counted(); else bytes.later.push(srv.counted());
      i++;
    }
  }
  await browser.close();
  srv.close();
  const later = bytes.later.slice().sort((a, b) => a - b);
  const recall = {};
  for (const [k, v] of Object.entries(byKind)) recall[k] = { ...v, recall: +(v.found / v.asked).toFixed(3) };
  console.log(JSON.stringify({
    names: picked.length,
    queries: i,
    first_query_gzip_bytes: bytes.first,
    later_query_gzip_bytes: { median: later[Math.floor(later.length / 2)] || 0, p95: later[Math.floor(later.length * 0.95)] || 0, max: later[later.length - 1] || 0 },
    recall,
  }, null, 1));
}
main().catch((e) => { console.error(e); process.exit(1); });
