/* gongshi: large-text and high-contrast modes (适老化), and the charts'
 * figures in a printout. Optional: every page reads fine without it; with
 * it, the choice of mode persists across pages. */
(function () {
  'use strict';
  var KEY = 'gongshi-a11y';
  var root = document.documentElement;
  var modes = [['large-text', '大字版'], ['high-contrast', '高对比度']];
  var saved = [];
  try { saved = JSON.parse(localStorage.getItem(KEY) || '[]'); } catch (e) { saved = []; }
  saved.forEach(function (m) { root.classList.add(m); });
  function store() {
    var on = modes.map(function (m) { return m[0]; }).filter(function (m) { return root.classList.contains(m); });
    try { localStorage.setItem(KEY, JSON.stringify(on)); } catch (e) { /* private mode: not kept */ }
  }
  document.addEventListener('DOMContentLoaded', function () {
    var box = document.getElementById('a11y-toggles');
    if (!box) return;
    modes.forEach(function (m) {
      var b = document.createElement('button');
      b.type = 'button';
      b.className = 'a11y-toggle';
      b.textContent = m[1];
      b.setAttribute('aria-pressed', String(root.classList.contains(m[0])));
      b.addEventListener('click', function () {
        var on = root.classList.toggle(m[0]);
        b.setAttribute('aria-pressed', String(on));
        store();
      });
      box.appendChild(b);
    });
  });
  // A printout has the charts' figures too: their tables are folded on
  // the screen, and a folded <details> prints nothing.
  var opened = [];
  window.addEventListener('beforeprint', function () {
    opened = Array.prototype.filter.call(document.querySelectorAll('details.chart-data'), function (d) { return !d.open; });
    opened.forEach(function (d) { d.open = true; });
  });
  window.addEventListener('afterprint', function () {
    opened.forEach(function (d) { d.open = false; });
    opened = [];
  });
})();
