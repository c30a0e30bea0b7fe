// Outside checks of a built site in headless Chromium: axe-core (WCAG 2.1
// A/AA, serious and critical), no sideways scrolling at 360 px, a
// screenshot of every page type at 360 and 1280 px, and the search page
// driven as a person would (query from the URL, then a facet click).
//
//   node tools/web/check.js OUT_DIR SCREENSHOT_DIR PAGES_JSON
//
// PAGES_JSON: [{"name": "case", "path": "cases/x.html"}, …]. Prints a JSON
// report; exits 1 when anything fails.
'use strict';
const http = require('http');
const fs = require('fs');
const path = require('path');
const { chromium } = require('playwright-core');

const [outDir, shotDir, pagesJson] = process.argv.slice(2);
const pages = JSON.parse(fs.readFileSync(pagesJson, 'utf8'));
const TYPES = { '.html': 'text/html; charset=utf-8', '.css': 'text/css', '.js': 'text/javascript', '.json': 'application/json', '.xml': 'application/xml', '.svg': 'image/svg+xml' };

function serve(root) {
  const server = http.createServer((req, res) => {
    const url = decodeURIComponent(req.url.split('?')[0]);
    let file = path.join(root, url);
    if (!file.startsWith(root)) { res.writeHead(403); return res.end(); }
    if (fs.existsSync(file) && fs.statSync(file).isDirectory()) file = path.join(file, 'index.html');
    // As a static host: a missing path answers 404 with the site's 404.html.
    if (!fs.existsSync(file)) { res.writeHead(404, { 'Content-Type': TYPES['.html'] }); return res.end(fs.readFileSync(path.join(root, '404.html'))); }
    res.writeHead(200, { 'Content-Type': TYPES[path.extname(file)] || 'application/octet-stream' });
    fs.createReadStream(file).pipe(res);
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

async function main() {
  fs.mkdirSync(shotDir, { recursive: true });
  const server = await serve(path.resolve(outDir));
  const base = `http://127.0.0.1:${server.address().port}/`;
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  const axeSource = fs.readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
  const report = { pages: [], failures: [] };
  for (const width of [1280, 360]) {
    // axe is injected by evaluation; the site's own CSP stays in force for its scripts.
    const context = await browser.newContext({ viewport: { width, height: 900 }, bypassCSP: true, locale: 'zh-CN' });
    const page = await context.newPage();
    const errors = [];
    page.on('pageerror', (e) => errors.push(String(e)));
    for (const p of pages) {
      const resp = await page.goto(base + p.path, { waitUntil: 'load' });
      if (p.name.startsWith('search')) await page.waitForFunction(() => /共找到/.test((document.querySelector('#search-results [role="status"]') || {}).textContent || ''));
      const status = resp ? resp.status() : 0;
      await page.evaluate(axeSource);
      const axe = await page.evaluate(() => axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] } }));
      const bad = axe.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
      const sideways = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      await page.screenshot({ path: path.join(shotDir, `${p.name}-${width}.png`), fullPage: true });
      report.pages.push({ name: p.name, width, status, violations: bad.map((v) => ({ id: v.id, impact: v.impact, nodes: v.nodes.slice(0, 3).map((n) => n.target.join(' ')) })), sideways });
      if (status !== (p.status || 200)) report.failures.push(`${p.name}@${width}: HTTP ${status}`);
      for (const v of bad) report.failures.push(`${p.name}@${width}: axe ${v.impact} ${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).slice(0, 3).join('; ')})`);
      if (sideways > 0) report.failures.push(`${p.name}@${width}: scrolls sideways by ${sideways}px`);
    }
    if (errors.length) report.failures.push(`JavaScript errors at ${width}: ${errors.join(' | ')}`);
    await context.close();
  }
  // The search page as a person uses it: a linked query, then a facet.
  {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    const q = pages.find((p) => p.name === 'search');
    if (q) {
      await page.goto(base + q.path);
      await page.waitForFunction(() => /共找到/.test((document.querySelector('#search-results [role="status"]') || {}).textContent || ''));
      const before = await page.$$eval('#search-results li a[href]', (as) => as.map((a) => a.getAttribute('href')));
      const status = await page.textContent('#search-results [role="status"]');
      const facet = await page.$('#search-facets input[type="checkbox"]');
      let after = [];
      if (facet) {
        await Promise.all([page.waitForURL(/[?&](kind|region|sector|equipment|year|status)=/), facet.click()]);
        await page.waitForFunction(() => /共找到/.test((document.querySelector('#search-results [role="status"]') || {}).textContent || ''));
        after = await page.$$eval('#search-results li a[href]', (as) => as.map((a) => a.getAttribute('href')));
      }
      report.search = { query: q.path, results: before, status, facet_url: page.url(), after_facet: after };
      if (!before.length) report.failures.push('search: no results');
      if (!facet) report.failures.push('search: no facet to click');
      else if (!after.length || after.length > before.length || !/[?&](kind|region|sector|equipment|year|status)=/.test(page.url())) report.failures.push('search: the facet did not narrow the results');
      // A new query typed into the box: answered without reloading the
      // page, and the address links to it; Back returns to the last one.
      await page.evaluate(() => { window.notReloaded = true; });
      await page.fill('#q', '隐患');
      await page.press('#q', 'Enter');
      await page.waitForFunction(() => /「隐患」共找到/.test((document.querySelector('#search-results [role="status"]') || {}).textContent || ''));
      const typed = { url: page.url(), reloaded: !(await page.evaluate(() => window.notReloaded === true)) };
      await page.goBack();
      await page.waitForFunction(() => /共找到/.test((document.querySelector('#search-results [role="status"]') || {}).textContent || '') && !/「隐患」/.test(document.querySelector('#search-results [role="status"]').textContent));
      typed.back = page.url();
      report.search.typed = typed;
      if (typed.reloaded) report.failures.push('search: a typed query reloaded the page');
      if (!/[?&]q=%E9%9A%90%E6%82%A3/.test(typed.url)) report.failures.push(`search: the address does not link to the typed query (${typed.url})`);
      if (typed.back !== report.search.facet_url) report.failures.push(`search: Back did not return to the last search (${typed.back})`);
    }
    await context.close();
  }
  // The reading aids: large text and high contrast persist across pages
  // (localStorage), and high contrast keeps AA contrast.
  {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, bypassCSP: true });
    const page = await context.newPage();
    await page.goto(base + 'index.html');
    await page.click('#a11y-toggles button:nth-child(1)');
    await page.click('#a11y-toggles button:nth-child(2)');
    const casePath = (pages.find((p) => p.name === 'case') || pages[0]).path;
    await page.goto(base + casePath);
    const classes = await page.evaluate(() => document.documentElement.className);
    const pressed = await page.$$eval('#a11y-toggles button', (bs) => bs.map((b) => b.getAttribute('aria-pressed')));
    await page.screenshot({ path: path.join(shotDir, 'case-large-text-high-contrast-1280.png'), fullPage: true });
    await page.evaluate(axeSource);
    const axe = await page.evaluate(() => axe.run(document, { runOnly: { type: 'tag', values: ['wcag2aa'] } }));
    const bad = axe.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
    report.reading_aids = { classes, pressed, violations: bad.map((v) => v.id) };
    if (!/large-text/.test(classes) || !/high-contrast/.test(classes)) report.failures.push('reading aids: the choice did not persist to the next page');
    if (pressed.join() !== 'true,true') report.failures.push('reading aids: buttons do not show their state');
    for (const v of bad) report.failures.push(`reading aids: axe ${v.impact} ${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).slice(0, 3).join('; ')})`);
    await context.close();
  }
  await browser.close();
  server.close();
  console.log(JSON.stringify(report, null, 1));
  process.exit(report.failures.length ? 1 : 0);
}

main().catch((e) => { console.error(e); process.exit(2); });
