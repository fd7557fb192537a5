// carewatch web pages: small, progressive. Every page works without it;
// this only submits a picker when it changes and lets a table be sorted by
// a header (Enter or click), announcing the order to screen readers.
"use strict";
document.addEventListener("DOMContentLoaded", function () {
  document.querySelectorAll("select.autosubmit").forEach(function (s) {
    s.addEventListener("change", function () { s.form.submit(); });
  });
  document.querySelectorAll("table.data").forEach(function (table) {
    var heads = table.querySelectorAll("thead th");
    heads.forEach(function (th, col) {
      if (!th.textContent.trim()) return;
      th.tabIndex = 0;
      th.setAttribute("aria-sort", "none");
      function sort() {
        var body = table.tBodies[0], rows = Array.prototype.slice.call(body.rows);
        var asc = th.getAttribute("aria-sort") !== "ascending";
        function key(row) {
          var cell = row.cells[col]; if (!cell) return "";
          var fig = cell.querySelector("[data-value]") || (cell.hasAttribute("data-value") ? cell : null);
          return fig ? parseFloat(fig.getAttribute("data-value")) : cell.textContent.trim();
        }
        rows.sort(function (a, b) {
          var x = key(a), y = key(b);
          var c = (typeof x === "number" && typeof y === "number") ? x - y : String(x).localeCompare(String(y));
          return asc ? c : -c;
        });
        rows.forEach(function (r) { body.appendChild(r); });
        heads.forEach(function (h) { if (h.hasAttribute("aria-sort")) h.setAttribute("aria-sort", "none"); });
        th.setAttribute("aria-sort", asc ? "ascending" : "descending");
      }
      th.addEventListener("click", sort);
      th.addEventListener("keydown", function (e) { if (e.key === "Enter" || e.key === " ") { e.preventDefault(); sort(); } });
    });
  });
});
