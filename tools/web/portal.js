// The portal as a citizen uses it, in headless Chromium at 360 and 1280 px:
// search from any page, the forgiving search, the phone layout, the deep
// 404, lists that inform (overdue days, blacklist reasons, filters,
// numbered pages), readable charts, credit-repair help and printing.
// Each check reports what it measured; tests/portal.rs asserts on them.
//
//   node tools/web/portal.js OUT_DIR SCREENSHOT_DIR
//
// The site is served as a static host serves it: a missing path answers
// 404 with 404.html.
'use strict';
const http = require('http');
const fs = require('fs');
const path = require('path');
const { chromium } = require('playwright-core');

const [outDir, shotDir] = process.argv.slice(2);
const root = path.resolve(outDir);
const TYPES = { '.html': 'text/html; charset=utf-8', '.css': 'text/css', '.js': 'text/javascript', '.json': 'application/json', '.xml': 'application/xml', '.svg': 'image/svg+xml', '.ico': 'image/x-icon', '.csv': 'text/csv' };
const served = [];

function serve() {
  const server = http.createServer((req, res) => {
    const url = decodeURIComponent(req.url.split('?')[0]);
    served.push(url);
    let file = path.join(root, url);
    if (!file.startsWith(root)) { res.writeHead(403); return res.end(); }
    if (fs.existsSync(file) && fs.statSync(file).isDirectory()) file = path.join(file, 'index.html');
    if (!fs.existsSync(file)) {
      res.writeHead(404, { 'Content-Type': TYPES['.html'] });
      return res.end(fs.readFileSync(path.join(root, '404.html')));
    }
    res.writeHead(200, { 'Content-Type': TYPES[path.extname(file)] || 'application/octet-stream' });
    fs.createReadStream(file).pipe(res);
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

function first(dir, test) {
  const names = fs.readdirSync(path.join(root, dir)).filter((n) => n.endsWith('.html') && test(n)).sort();
  return `${dir}/${names[0]}`;
}

async function statusOf(page) {
  await page.waitForFunction(() => /共找到|不可用/.test((document.querySelector('#search-results [role="status"]') || {}).textContent || ''));
  return page.textContent('#search-results [role="status"]');
}

async function main() {
  fs.mkdirSync(shotDir, { recursive: true });
  const server = await serve();
  const base = `http://127.0.0.1:${server.address().port}/`;
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  const r = {};
  const hazards = JSON.parse(fs.readFileSync(path.join(root, 'data/hazards.json'), 'utf8'));
  const actions = JSON.parse(fs.readFileSync(path.join(root, 'data/actions.json'), 'utf8'));
  const buildDate = (fs.readFileSync(path.join(root, 'index.html'), 'utf8').match(/数据更新至 (\d{4}-\d{2}-\d{2})/) || [])[1];
  const pagesToVisit = ['index.html', 'cases/index.html', first('cases', (n) => n !== 'index.html'), 'actions/index.html', 'hazards/index.html', 'blacklist/index.html', 'stats.html', 'reports/index.html', 'parties/index.html', 'sitemap.html', '404.html'];

  // 1. A search box in every page's header, a plain GET form: it works
  // without JavaScript up to the results page.
  {
    const ctx = await browser.newContext({ viewport: { width: 1280, height: 900 }, javaScriptEnabled: false });
    const page = await ctx.newPage();
    r.header_search = [];
    for (const p of pagesToVisit) {
      await page.goto(base + p);
      const form = await page.$eval('header form[role="search"]', (f) => ({ method: f.method, action: f.getAttribute('action'), name: (f.querySelector('input[type="search"]') || {}).name })).catch(() => null);
      r.header_search.push({ page: p, form });
    }
    const casePage = pagesToVisit[2];
    await page.goto(base + casePage);
    await page.fill('header input[name="q"]', '气瓶');
    await Promise.all([page.waitForNavigation(), page.press('header input[name="q"]', 'Enter')]);
    r.header_search_lands = page.url().replace(base, '');
    await page.goto(base + 'index.html');
    const code = actions.map((a) => a['当事人'] && a['当事人']['统一社会信用代码']).find(Boolean);
    r.lookup = { box: await page.$eval('#lookup-q', (i) => ({ name: i.name, label: document.querySelector('label[for="lookup-q"]').textContent })).catch(() => null), code };
    await page.fill('#lookup-q', code);
    await Promise.all([page.waitForNavigation(), page.press('#lookup-q', 'Enter')]);
    r.lookup.lands = page.url().replace(base, '');
    await ctx.close();
  }

  // 2. Forgiving search: exact matches first and unchanged; 相近结果 and
  // 您是不是要找 when exact ones are few.
  {
    const ctx = await browser.newContext({ viewport: { width: 360, height: 780 } });
    const page = await ctx.newPage();
    const name = actions.map((a) => a['当事人'] && a['当事人']['名称']).find((n) => n && /有限公司$/.test(n));
    const variant = name.replace('有限公司', '公司');
    r.near = { name, variant };
    await page.goto(base + 'search.html?q=' + encodeURIComponent(variant));
    r.near.status = await statusOf(page);
    r.near.heading = await page.$eval('#search-results .near-results h2', (h) => h.textContent).catch(() => null);
    r.near.links = await page.$$eval('#search-results .near-results a[href]', (as) => as.map((a) => a.textContent));
    r.near.did_you_mean = await page.$$eval('#search-results .did-you-mean a', (as) => as.map((a) => a.textContent));
    await page.screenshot({ path: path.join(shotDir, 'search-near-360.png'), fullPage: true });
    await page.goto(base + 'search.html?q=' + encodeURIComponent(name));
    r.near.exact_status = await statusOf(page);
    r.near.exact_first = await page.$eval('#search-results ol.record-list', (ol) => !ol.closest('.near-results')).catch(() => false);
    await page.goto(base + 'search.html?q=' + encodeURIComponent('锅炉水位计失灵液位'));
    r.near.nothing = { status: await statusOf(page), help: await page.$eval('.no-results', (d) => d.textContent).catch(() => null) };
    await ctx.close();
  }

  // 3. Phone first: heading within 220 px, the menu folded into <details>,
  // short breadcrumbs, values that never break, cards, scrolling tables.
  {
    const ctx = await browser.newContext({ viewport: { width: 360, height: 780 }, javaScriptEnabled: false });
    const page = await ctx.newPage();
    r.phone = { headings: [], unbroken: [], sideways: [] };
    for (const p of pagesToVisit) {
      await page.goto(base + p);
      const top = await page.evaluate(() => {
        const h = [...document.querySelectorAll('main h1, main h2')].find((e) => e.getBoundingClientRect().height > 1);
        return h ? Math.round(h.getBoundingClientRect().top + window.scrollY) : null;
      });
      r.phone.headings.push({ page: p, top });
      r.phone.sideways.push({ page: p, by: await page.evaluate(() => document.documentElement.scrollWidth - innerWidth) });
      const broken = await page.$$eval('main .nb, main time', (es) => es.filter((e) => e.getClientRects().length > 1 || e.getBoundingClientRect().height > parseFloat(getComputedStyle(e).lineHeight || '0') * 1.5 + 2).map((e) => e.textContent));
      r.phone.unbroken.push({ page: p, values: await page.$$eval('main .nb, main time', (es) => es.length), broken });
    }
    const casePage = pagesToVisit[2];
    await page.goto(base + casePage);
    r.phone.menu = await page.evaluate(() => {
      const d = document.querySelector('details.nav-menu');
      const bar = document.querySelector('.nav-bar');
      return { details: !!d, open: d ? d.open : null, visible: d ? getComputedStyle(d).display !== 'none' : false, bar_hidden: bar ? getComputedStyle(bar).display === 'none' : true, links_visible: d ? [...d.querySelectorAll('a')].filter((a) => a.checkVisibility()).length : 0 };
    });
    await page.screenshot({ path: path.join(shotDir, 'menu-closed-360.png') });
    await page.click('details.nav-menu summary');
    r.phone.menu.links_after_open = await page.$$eval('details.nav-menu a', (as) => as.filter((a) => a.checkVisibility()).length);
    await page.screenshot({ path: path.join(shotDir, 'menu-open-360.png') });
    r.phone.crumb = await page.evaluate(() => { const li = document.querySelector('.breadcrumb li:last-child'); return { text: li.textContent, title: document.querySelector('h1').textContent, one_line: li.getBoundingClientRect().height < 40 }; });
    await page.goto(base + 'actions/index.html');
    r.phone.cards = await page.$$eval('.record-list .record-item', (items) => items.slice(0, 4).map((li) => { const s = getComputedStyle(li); const b = li.getBoundingClientRect(); return { border: s.borderTopWidth, radius: s.borderTopLeftRadius, left: Math.round(b.left), width: Math.round(b.width) }; }));
    const daily = first('reports/daily', () => true);
    await page.goto(base + daily);
    r.phone.tables = await page.$$eval('.table-wrap--wide', (ws) => ws.map((w) => ({ scrolls: w.scrollWidth > w.clientWidth, overflow: getComputedStyle(w).overflowX, hint: getComputedStyle(w, '::before').content, sticky: getComputedStyle(w.querySelector('tbody tr > :first-child')).position, narrowest: Math.min(...[...w.querySelectorAll('thead th')].map((th) => th.getBoundingClientRect().width)) })));
    await page.screenshot({ path: path.join(shotDir, 'report-table-360.png') });
    await ctx.close();
  }

  // 4. The 404 page at any depth: styles and links from the site's root.
  {
    const ctx = await browser.newContext({ viewport: { width: 360, height: 780 } });
    const page = await ctx.newPage();
    const resp = await page.goto(base + 'cases/2019/old/expired-penalty.html');
    r.deep404 = await page.evaluate(() => ({ header: getComputedStyle(document.querySelector('.site-header')).backgroundColor, home: document.querySelector('main a[href$="index.html"]').href, css: [...document.styleSheets].map((s) => s.href) }));
    r.deep404.status = resp.status();
    r.deep404.home_status = (await ctx.request.get(r.deep404.home)).status();
    r.deep404.css_status = await Promise.all(r.deep404.css.filter(Boolean).map(async (h) => (await ctx.request.get(h)).status()));
    await page.screenshot({ path: path.join(shotDir, 'deep-404-360.png'), fullPage: true });
    await ctx.close();
  }

  // 5. Lists that inform.
  {
    const ctx = await browser.newContext({ viewport: { width: 1280, height: 900 }, javaScriptEnabled: false });
    const page = await ctx.newPage();
    await page.goto(base + 'hazards/index.html');
    r.lists = {};
    r.lists.hazard_items = await page.$$eval('.record-item', (items) => items.map((li) => ({ title: li.querySelector('a').textContent, href: li.querySelector('a').getAttribute('href'), facts: [...li.querySelectorAll('dt')].map((d) => d.textContent), late: (li.textContent.match(/逾期 (\d+) 天/) || [])[1] || null })));
    r.lists.overdue_from_hazards = await page.$$eval('a[href$="hazards/overdue.html"]', (as) => as.length);
    await page.goto(base + 'index.html');
    r.lists.overdue_from_home = await page.$$eval('main a[href$="hazards/overdue.html"]', (as) => as.length);
    r.lists.hazards = hazards.map((h) => ({ url: h.url, deadline: h['整改时限'], status: h['状态'] }));
    r.lists.build_date = buildDate;
    await page.goto(base + 'blacklist/index.html');
    r.lists.blacklist_items = await page.$$eval('.record-item', (items) => items.map((li) => [...li.querySelectorAll('dt')].map((d) => d.textContent)));
    await page.goto(base + 'actions/index.html');
    r.lists.pagination = await page.$$eval('nav.pagination a', (as) => as.map((a) => ({ text: a.textContent.trim(), href: a.getAttribute('href') })));
    r.lists.filters = await page.$$eval('nav.filters .filter', (fs) => fs.map((f) => ({ name: f.querySelector('.filter__name').textContent, links: [...f.querySelectorAll('a')].map((a) => ({ text: a.textContent.trim(), href: a.getAttribute('href') })) })));
    const place = r.lists.filters.find((f) => f.name === '地区');
    if (place && place.links.length > 1) {
      const link = place.links[1];
      await page.goto(base + 'actions/' + link.href);
      const label = link.text.replace(/\s*\d+$/, '').trim();
      r.lists.filtered = { label, count: parseInt(link.text.match(/(\d+)$/)[1], 10), items: await page.$$eval('.record-item__meta', (ms) => ms.map((m) => m.textContent)), current: await page.$eval('nav.filters li:not(:first-child) [aria-current]', (e) => e.textContent).catch(() => null), total: await page.$eval('.page-lead', (p) => p.textContent) };
      await page.setViewportSize({ width: 360, height: 780 });
      await page.screenshot({ path: path.join(shotDir, 'list-filtered-360.png'), fullPage: true });
    }
    await ctx.close();
  }

  // 6. Charts that can be read at 360 px.
  {
    const ctx = await browser.newContext({ viewport: { width: 360, height: 780 } });
    const page = await ctx.newPage();
    await page.goto(base + 'stats.html');
    r.charts = await page.evaluate(() => {
      const svgs = [...document.querySelectorAll('figure.chart svg')];
      return {
        count: svgs.length,
        smallest_text_px: Math.min(...svgs.flatMap((s) => [...s.querySelectorAll('text')].map((t) => t.getBoundingClientRect().height))),
        scaled: svgs.filter((s) => Math.abs(s.getBoundingClientRect().width - s.width.baseVal.value) > 1).length,
        y_ticks: svgs.map((s) => [...s.querySelectorAll('text[text-anchor="end"]')].filter((t) => parseFloat(t.getAttribute('x')) < 60).map((t) => t.textContent)),
        months: [...document.querySelectorAll('details.chart-data table')].map((t) => [...t.querySelectorAll('tbody th')].map((th) => th.textContent)).filter((rows) => rows.length && /^\d{4}-\d{2}$/.test(rows[0])),
        tables_in_details: [...document.querySelectorAll('figure.chart')].map((f) => { const n = f.nextElementSibling; return n && n.tagName === 'DETAILS' && !!n.querySelector('table'); }),
        heads: [...document.querySelectorAll('details.chart-data table thead')].map((h) => [...h.querySelectorAll('th')].map((th) => th.textContent)),
      };
    });
    await page.screenshot({ path: path.join(shotDir, 'stats-chart-360.png'), fullPage: true });
    await ctx.close();
  }

  // 7. Credit repair and objections, favicon, site map.
  {
    const ctx = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const page = await ctx.newPage();
    const penalty = actions.find((a) => a['措施类型'] === '行政处罚');
    const party = first('parties', (n) => n !== 'index.html');
    const bl = first('blacklist', (n) => n !== 'index.html' && n !== 'removed.html');
    r.help = {};
    for (const [name, p] of [['penalty', penalty.url], ['party', party], ['blacklist', bl]]) {
      await page.goto(base + p);
      r.help[name] = await page.$eval('.help-box', (b) => b.textContent).catch(() => null);
    }
    await page.goto(base + 'index.html');
    const icon = await page.$eval('link[rel="icon"]', (l) => l.href).catch(() => null);
    r.favicon = { icon, status: icon ? (await ctx.request.get(icon)).status() : 0, ico: (await ctx.request.get(base + 'favicon.ico')).status() };
    r.sitemap = { linked: await page.$$eval('footer a[href$="sitemap.html"]', (as) => as.length) };
    await page.goto(base + 'sitemap.html');
    r.sitemap.links = await page.$$eval('main a[href]', (as) => as.map((a) => a.getAttribute('href')));
    await ctx.close();
  }

  // 8. Print: the daily report without download links, empty sections in
  // one line, table headings kept with their first rows.
  {
    const ctx = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const page = await ctx.newPage();
    const daily = first('reports/daily', () => true);
    await page.goto(base + daily);
    await page.emulateMedia({ media: 'print' });
    r.print = await page.evaluate(() => ({
      downloads: [...document.querySelectorAll('main a[href$=".csv"], main a[href$=".xlsx"]')].filter((a) => a.getClientRects().length > 0).length,
      empty_sections: [...document.querySelectorAll('.empty-section')].map((e) => ({ text: e.textContent, lines: Math.round(e.getBoundingClientRect().height / parseFloat(getComputedStyle(e).lineHeight)) })),
      empty_rows: [...document.querySelectorAll('tbody tr')].filter((tr) => tr.textContent.trim() === '无').length,
      thead_break_after: [...document.querySelectorAll('thead')].map((t) => getComputedStyle(t).breakAfter),
      caption_break_after: [...document.querySelectorAll('caption')].map((c) => getComputedStyle(c).breakAfter),
      thead_repeats: [...document.querySelectorAll('thead')].map((t) => getComputedStyle(t).display),
    }));
    await page.pdf({ path: path.join(shotDir, 'daily-print.pdf'), format: 'A4', landscape: true });
    // The statistics: every chart within the printed width (A4 less its
    // margins, about 680 CSS px), and their figures' folded tables open
    // while the page prints.
    await page.setViewportSize({ width: 680, height: 900 });
    await page.goto(base + 'stats.html');
    await page.evaluate(() => {
      window.__open = -1;
      window.addEventListener('beforeprint', () => { window.__open = document.querySelectorAll('details.chart-data[open]').length; });
    });
    r.print.charts_overflow = await page.evaluate(() => [...document.querySelectorAll('.chart svg')]
      .filter((s) => s.getBoundingClientRect().right > document.documentElement.clientWidth + 1).length);
    r.print.chart_tables = await page.evaluate(() => document.querySelectorAll('details.chart-data').length);
    await page.pdf({ path: path.join(shotDir, 'stats-print.pdf'), format: 'A4' });
    r.print.chart_tables_printed = await page.evaluate(() => window.__open);
    r.print.chart_tables_after = await page.evaluate(() => document.querySelectorAll('details.chart-data[open]').length);
    await ctx.close();
  }

  await browser.close();
  server.close();
  console.log(JSON.stringify(r, null, 1));
}

main().catch((e) => { console.error(e); process.exit(2); });
