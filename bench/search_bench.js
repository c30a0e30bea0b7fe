// Side-by-side search benchmark in headless Chromium: gongshi's static
// search and Pagefind over the same built site. A local server counts the
// gzipped size of every response, so both are measured the same way.
//
//   node bench/search_bench.js SITE_DIR QUERY1 QUERY2 [QUERY3 …]
//
// For each engine: bytes for a first visit (page, scripts, index and the
// first query's data), bytes for each later query, and time to results.
'use strict';
const fs = require('fs');
const path = require('path');
const server = require('./gzip_server');
const { chromium } = require(path.join(__dirname, '../tools/web/node_modules/playwright-core'));

const [siteArg, ...queries] = process.argv.slice(2);
const site = path.resolve(siteArg);

const PF_PAGE = `<!doctype html><html lang="zh-CN"><meta charset="utf-8"><title>pf</title><body><script type="module">
window.pf = await import('/pagefind/pagefind.js');
await window.pf.options({ excerptLength: 30 });
window.ready = true;
</script></body></html>`;

async function main() {
  fs.writeFileSync(path.join(site, 'pf-bench.html'), PF_PAGE);
  const srv = await server.start(site);
  const base = srv.base;
  const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--disable-background-networking', '--disable-component-update', '--disable-sync'] });
  const out = { gongshi: [], pagefind: [] };
  // gongshi: search.html?q=…, results rendered in #search-results
  {
    const ctx = await browser.newContext();
    const page = await ctx.newPage();
    for (const [i, q] of queries.entries()) {
      srv.reset();
      const t0 = Date.now();
      // The first query from a link; later ones typed into the search box
      // (search.js answers them without reloading the page).
      if (i === 0) await page.goto(base + 'search.html?q=' + encodeURIComponent(q));
      else {
        await page.fill('#q', q);
        await page.press('#q', 'Enter');
      }
      await page.waitForFunction((q) => {
        const s = document.querySelector('#search-results [role="status"]');
        return s && s.textContent.includes('「' + q + '」');
      }, q);
      const ms = Date.now() - t0;
      const status = await page.textContent('#search-results [role="status"]');
      out.gongshi.push({ query: q, visit: i === 0 ? 'first' : 'later', gzip_bytes: srv.counted(), ms, status: status.trim() });
    }
    await ctx.close();
  }
  // Pagefind: its own API, the first 10 results' data loaded as its UI does
  // (when the site has a Pagefind index: bench/search.sh builds one)
  if (fs.existsSync(path.join(site, 'pagefind'))) {
    const ctx = await browser.newContext();
    const page = await ctx.newPage();
    srv.reset();
    await page.goto(base + 'pf-bench.html');
    await page.waitForFunction(() => window.ready === true);
    for (const [i, q] of queries.entries()) {
      if (i > 0) srv.reset();
      const t0 = Date.now();
      const n = await page.evaluate(async (q) => {
        const r = await window.pf.search(q);
        await Promise.all(r.results.slice(0, 10).map((x) => x.data()));
        return r.results.length;
      }, q);
      out.pagefind.push({ query: q, visit: i === 0 ? 'first' : 'later', gzip_bytes: srv.counted(), ms: Date.now() - t0, results: n });
    }
    await ctx.close();
  }
  await browser.close();
  srv.close();
  fs.unlinkSync(path.join(site, 'pf-bench.html'));
  console.log(JSON.stringify(out, null, 1));
}
main().catch((e) => { console.error(e); process.exit(1); });
