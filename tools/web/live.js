// Live reload of `gongshi serve` in headless Chromium, as staff see it:
// a record page is open; its file is saved with an edit, and the page must
// reload by itself and show it; then a broken save must show the error
// overlay over the page (no reload), and the mended file reload the page.
//
//   node tools/web/live.js BASE_URL PAGE FILE FROM [ROUNDS]
//
// BASE_URL: the preview, e.g. http://127.0.0.1:8000/; PAGE: the record's
// page below it; FILE: its YAML file; FROM: a text of the file that each
// edit extends. Prints a JSON report with the time from each save to the
// reloaded page showing the edit (DOMContentLoaded), and whether the
// overlay came and went; exits 1 when anything fails.
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
  const report = { reload_ms: [], overlay: false, recovered: false, failures: [] };
  try {
    const page = await browser.newPage();
    await page.goto(base + pagePath, { waitUntil: 'load' });
    // live.js opens its event stream after load; give it a moment.
    await page.waitForTimeout(1000);
    for (let i = 0; i < rounds; i++) {
      const marker = `（第${i}次修改）`;
      const loaded = page.waitForEvent('domcontentloaded', { timeout: 20000 });
      const t0 = Date.now();
      fs.writeFileSync(file, original.replace(from, from + marker));
      await loaded;
      const ms = Date.now() - t0;
      const text = await page.evaluate(() => document.body.innerText);
      if (text.includes(marker)) report.reload_ms.push(ms);
      else report.failures.push(`round ${i}: the reloaded page does not show ${marker}`);
      await page.waitForTimeout(400);
    }
    // A broken save: the overlay, over the page as it was.
    fs.writeFileSync(file, original + '\n标题: [\n');
    await page.waitForSelector('#gongshi-overlay', { timeout: 20000 });
    report.overlay = true;
    const overlay = await page.evaluate(() => document.getElementById('gongshi-overlay').innerText);
    if (!/:\d+:\d+/.test(overlay)) report.failures.push(`the overlay names no PATH:LINE:COL: ${overlay}`);
    // Mended: the page reloads, without the overlay.
    const loaded = page.waitForEvent('domcontentloaded', { timeout: 20000 });
    fs.writeFileSync(file, original);
    await loaded;
    await page.waitForTimeout(200);
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
