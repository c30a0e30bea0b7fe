// Live reload of `gongshi serve` in headless Chromium, as staff see it:
// a record page is open; its file is saved with an edit, and the page must
// show it by itself (its new content put in place, or the page reloaded);
// then a broken save must show the error overlay over the page, and the
// mended file clear it and show the page as it is again.
//
//   node tools/web/live.js BASE_URL PAGE FILE FROM [ROUNDS]
//
// BASE_URL: the preview, e.g. http://127.0.0.1:8000/; PAGE: the record's
// page below it; FILE: its YAML file; FROM: a text of the file that each
// edit extends. Prints a JSON report: the time from each save to the page
// showing the edit (shown_ms), how many of those showed it in place,
// without a reload (in_place), and whether the overlay came and went;
// exits 1 when anything fails.
'use strict';
const fs = require('fs');
const { chromium } = require('playwright-core');

const [base, pagePath, file, from, roundsArg] = process.argv.slice(2);
const rounds = Number(roundsArg || 3);

async function main() {
  const original = fs.readFileSync(file, 'utf8');
  if (!original.includes(from)) throw new Error(`${file} does not contain ${from}`);
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  const report = { shown_ms: [], in_place: 0, overlay: false, recovered: false, failures: [] };
  try {
    const page = await browser.newPage();
    await page.goto(base + pagePath, { waitUntil: 'load' });
    // live.js opens its event stream after load; give it a moment.
    await page.waitForTimeout(1000);
    for (let i = 0; i < rounds; i++) {
      const marker = `（第${i}次修改）`;
      // Gone if the page is reloaded, kept if its content is put in place.
      await page.evaluate(() => { window.gongshiRound = true; });
      const t0 = Date.now();
      fs.writeFileSync(file, original.replace(from, from + marker));
      await page.waitForFunction((m) => document.body && document.body.innerText.includes(m), marker,
        { timeout: 20000, polling: 'raf' });
      report.shown_ms.push(Date.now() - t0);
      if (await page.evaluate(() => window.gongshiRound === true)) report.in_place += 1;
      await page.waitForTimeout(400);
    }
    // A broken save: the overlay, over the page as it was.
    fs.writeFileSync(file, original + '\n标题: [\n');
    await page.waitForSelector('#gongshi-overlay', { timeout: 20000 });
    report.overlay = true;
    const overlay = await page.evaluate(() => document.getElementById('gongshi-overlay').innerText);
    if (!/:\d+:\d+/.test(overlay)) report.failures.push(`the overlay names no PATH:LINE:COL: ${overlay}`);
    // Mended: the overlay goes, and the page shows the file as it is.
    fs.writeFileSync(file, original);
    await page.waitForSelector('#gongshi-overlay', { state: 'detached', timeout: 20000 });
    const last = `（第${rounds - 1}次修改）`;
    await page.waitForFunction((m) => !document.body.innerText.includes(m), last, { timeout: 20000, polling: 'raf' });
    report.recovered = (await page.$('#gongshi-overlay')) === null;
    if (!report.recovered) report.failures.push('the overlay stayed after the file was mended');
  } catch (e) {
    report.failures.push(String(e));
  } finally {
    fs.writeFileSync(file, original);
    await browser.close();
  }
  process.stdout.write(JSON.stringify(report) + '\n');
  process.exit(report.failures.length ? 1 : 0);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
