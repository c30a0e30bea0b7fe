// A local server of a built site for the browser benchmarks: it counts the
// gzipped size of every file it sends (`counted`, reset by the caller), so
// that every engine is measured the same way. Files named by their content
// hash are sent as immutable, others as no-cache, as `gongshi deploy` sends
// them. BENCH_FILES=1 prints each file and its size to stderr.
'use strict';
const http = require('http');
const fs = require('fs');
const path = require('path');
const zlib = require('zlib');

const TYPES = { '.html': 'text/html; charset=utf-8', '.css': 'text/css', '.js': 'text/javascript', '.mjs': 'text/javascript', '.json': 'application/json', '.svg': 'image/svg+xml', '.wasm': 'application/wasm' };

// → { base, counted(), reset(), close() } once it listens on loopback.
async function start(site) {
  site = path.resolve(site);
  const sizes = new Map();
  const gzSize = (file) => {
    if (!sizes.has(file)) sizes.set(file, zlib.gzipSync(fs.readFileSync(file), { level: 6 }).length);
    return sizes.get(file);
  };
  let counted = 0;
  const server = http.createServer((req, res) => {
    const url = decodeURIComponent(req.url.split('?')[0]);
    let file = path.join(site, url);
    if (fs.existsSync(file) && fs.statSync(file).isDirectory()) file = path.join(file, 'index.html');
    if (!file.startsWith(site) || !fs.existsSync(file)) { res.writeHead(404); return res.end(); }
    counted += gzSize(file);
    if (process.env.BENCH_FILES) console.error(gzSize(file), url);
    const immutable = /\.[0-9a-f]{10}\.|pagefind\/(fragment|index|filter)|\.pf_/.test(url);
    res.writeHead(200, { 'Content-Type': TYPES[path.extname(file)] || 'application/octet-stream', 'Cache-Control': immutable ? 'max-age=31536000, immutable' : 'no-cache' });
    fs.createReadStream(file).pipe(res);
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  return {
    base: `http://127.0.0.1:${server.address().port}/`,
    counted: () => counted,
    reset: () => { counted = 0; },
    close: () => server.close(),
  };
}

module.exports = { start };
