// reprint report: optional enhancements. The page is complete without them.
(function () {
  "use strict";
  var each = function (list, f) { Array.prototype.forEach.call(list, f); };

  // Hovering a passage on one side lights up the same passage on the other side.
  var groups = {};
  each(document.querySelectorAll("mark.passage"), function (m) {
    var k = m.getAttribute("data-passage");
    (groups[k] = groups[k] || []).push(m);
  });
  var light = function (e, on) {
    var t = e.target;
    if (!(t instanceof Element)) { return; }
    var m = t.closest("mark.passage");
    if (!m) { return; }
    each(groups[m.getAttribute("data-passage")] || [], function (x) {
      x.classList.toggle("hot", on);
    });
  };
  document.addEventListener("mouseover", function (e) { light(e, true); });
  document.addEventListener("mouseout", function (e) { light(e, false); });

  // Sortable tables: click a column heading; numeric cells carry data-v.
  var key = function (row, col) {
    var c = row.cells[col];
    if (!c) { return ""; }
    var v = c.getAttribute("data-v");
    return v !== null ? parseFloat(v) : c.textContent.trim().toLowerCase();
  };
  each(document.querySelectorAll("table.sortable"), function (table) {
    var body = table.tBodies[0];
    var heads = table.querySelectorAll("thead th");
    if (!body) { return; }
    each(heads, function (th, col) {
      th.classList.add("sort");
      th.tabIndex = 0;
      var sort = function () {
        var asc = th.getAttribute("aria-sort") !== "ascending";
        each(heads, function (h) { h.removeAttribute("aria-sort"); });
        th.setAttribute("aria-sort", asc ? "ascending" : "descending");
        var rows = Array.prototype.slice.call(body.rows);
        rows.sort(function (x, y) {
          var a = key(x, col), b = key(y, col);
          var c = typeof a === "number" && typeof b === "number"
            ? a - b : String(a).localeCompare(String(b));
          return asc ? c : -c;
        });
        each(rows, function (r) { body.appendChild(r); });
      };
      th.addEventListener("click", sort);
      th.addEventListener("keydown", function (e) {
        if (e.key === "Enter" || e.key === " ") { e.preventDefault(); sort(); }
      });
    });
  });

  // Filterable tables: a search box above the table hides rows that do not contain the text.
  each(document.querySelectorAll("table.filterable"), function (table) {
    var body = table.tBodies[0];
    if (!body) { return; }
    var input = document.createElement("input");
    input.type = "search";
    input.className = "filter";
    input.placeholder = "Filter rows";
    input.setAttribute("aria-label", "Filter rows");
    table.parentNode.insertBefore(input, table);
    input.addEventListener("input", function () {
      var q = input.value.toLowerCase();
      each(body.rows, function (r) {
        r.hidden = q !== "" && r.textContent.toLowerCase().indexOf(q) < 0;
      });
    });
  });
})();
