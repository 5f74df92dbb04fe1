// Tradewind UI behaviour: CSRF header for htmx, confirmations, auto-submitting selects, live logs.
// No inline scripts anywhere (the pages are served with a strict Content-Security-Policy).
(function () {
  "use strict";

  function csrf() { return document.body.dataset.csrf || ""; }

  document.addEventListener("htmx:configRequest", function (ev) {
    ev.detail.headers["X-CSRF-Token"] = csrf();
  });

  document.addEventListener("submit", function (ev) {
    var form = ev.target;
    if (form.dataset && form.dataset.confirm && !window.confirm(form.dataset.confirm)) ev.preventDefault();
  });

  document.addEventListener("change", function (ev) {
    var el = ev.target;
    if (el.hasAttribute && el.hasAttribute("data-autosubmit") && el.form) el.form.submit();
  });

  // The log of a running try: fetch the bytes after `offset` until the server says the try is done.
  function followLog(pre) {
    var offset = parseInt(pre.dataset.offset || "0", 10);
    var note = document.getElementById("log-live");
    function tick() {
      if (!document.body.contains(pre)) return;  // the panel moved on to something else
      var sep = pre.dataset.src.indexOf("?") >= 0 ? "&" : "?";
      fetch(pre.dataset.src + sep + "offset=" + offset, {credentials: "same-origin", headers: {"Accept": "application/json"}})
        .then(function (r) { if (!r.ok) throw new Error(r.status); return r.json(); })
        .then(function (data) {
          if (data.text) {
            var atBottom = pre.scrollTop + pre.clientHeight >= pre.scrollHeight - 8;
            pre.appendChild(document.createTextNode(data.text));
            if (atBottom) pre.scrollTop = pre.scrollHeight;
          }
          offset = data.offset;
          pre.dataset.offset = String(offset);
          if (data.done) {
            pre.dataset.live = "false";
            if (note) note.textContent = "finished: " + data.state;
            refreshTaskPage();
          } else {
            setTimeout(tick, data.text ? 500 : 1500);
          }
        })
        .catch(function () { setTimeout(tick, 3000); });
    }
    tick();
  }

  // Once the try is over, re-render the task page (state, attempts, XCom) without a reload.
  function refreshTaskPage() {
    var box = document.getElementById("ti-page");
    if (box && window.htmx) {
      htmx.ajax("GET", box.dataset.src, {target: "#ti-page", select: "#ti-page", swap: "outerHTML"});
    }
  }

  // Pages load once; htmx swaps bring new content in: start following a live log in either.
  function init(root) {
    var pre = root.querySelector ? (root.id === "log" ? root : root.querySelector("#log")) : null;
    if (pre && pre.dataset.live === "true" && !pre.dataset.following) {
      pre.dataset.following = "true";
      followLog(pre);
    }
  }
  // --- the grid: side panel, collapsible groups, the selected cell (kept across the grid's refreshes) ---
  function panelUrl(href) {
    var u = new URL(href, window.location.href);
    return u.pathname.replace(/\/$/, "") + "/panel" + u.search;
  }

  // This page's URL naming the panel's run / instance (or none), other parameters (?runs=50) kept.
  function gridUrl(panelUrl) {
    var here = new URL(window.location.href), there = new URL(panelUrl || window.location.pathname, window.location.href);
    ["run_id", "task_id", "map_index"].forEach(function (k) {
      here.searchParams.delete(k);
      if (panelUrl && there.searchParams.has(k)) here.searchParams.set(k, there.searchParams.get(k));
    });
    return here.pathname + here.search;
  }

  function openPanel(url, link) {
    if (!window.htmx) return false;
    htmx.ajax("GET", url, {target: "#panel", swap: "innerHTML"}).then(function () {
      var box = document.querySelector("#panel .panel");
      if (box && box.dataset.gridUrl) window.history.replaceState(null, "", gridUrl(box.dataset.gridUrl));
      var head = document.querySelector("#panel h2");
      if (head) { head.setAttribute("tabindex", "-1"); head.focus({preventScroll: true}); }
    });
    if (link) {
      sessionStorage.setItem("tw-selected", link.getAttribute("href"));
      markSelected();
    }
    return true;
  }

  function markSelected() {
    var href = sessionStorage.getItem("tw-selected");
    document.querySelectorAll("#grid .selected").forEach(function (a) { a.classList.remove("selected"); });
    if (!href) return;
    document.querySelectorAll("#grid a.cell, #grid a.runbar").forEach(function (a) {
      if (a.getAttribute("href") === href) a.classList.add("selected");
    });
  }

  document.addEventListener("click", function (ev) {
    if (ev.button !== 0 || ev.ctrlKey || ev.metaKey || ev.shiftKey || ev.altKey) return;
    var t = ev.target;
    if (!t.closest || !document.getElementById("panel")) return;
    var close = t.closest(".panel-close");
    if (close) {
      document.getElementById("panel").textContent = "";
      var selected = document.querySelector("#grid .selected");
      if (selected) selected.focus();  // keyboard users land back where they were
      sessionStorage.removeItem("tw-selected");
      markSelected();
      if (document.getElementById("grid")) window.history.replaceState(null, "", gridUrl(""));
      return;
    }
    var link = t.closest("#grid a.cell, #grid a.runbar, #panel a[data-panel]");
    if (!link) return;
    var url = link.hasAttribute("data-panel") ? link.getAttribute("href") : panelUrl(link.getAttribute("href"));
    if (openPanel(url, link.hasAttribute("data-panel") ? null : link)) ev.preventDefault();
  });

  // The top bar's Browse menu closes on a click elsewhere and on Escape.
  document.addEventListener("click", function (ev) {
    document.querySelectorAll("details.menu[open]").forEach(function (menu) {
      if (!menu.contains(ev.target)) menu.removeAttribute("open");
    });
  });

  document.addEventListener("keydown", function (ev) {
    if (ev.key !== "Escape") return;
    var menu = document.querySelector("details.menu[open]");
    if (menu) { menu.removeAttribute("open"); menu.querySelector("summary").focus(); return; }
    var close = document.querySelector("#panel .panel-close");
    if (close) close.click();
  });

  function groupKey() {
    var grid = document.getElementById("grid");
    return "tw-collapsed:" + (grid ? grid.dataset.dagId : "");
  }

  function collapsedGroups() {
    try { return JSON.parse(sessionStorage.getItem(groupKey()) || "[]"); } catch (e) { return []; }
  }

  function applyGroups() {
    var closed = collapsedGroups();
    document.querySelectorAll("#grid tr[data-group]").forEach(function (row) {
      var g = row.dataset.group, own = row.classList.contains("group-head");
      var hidden = closed.some(function (c) { return own ? g.indexOf(c + ".") === 0 : (g === c || g.indexOf(c + ".") === 0); });
      row.classList.toggle("collapsed", hidden);
    });
    document.querySelectorAll("#grid [data-group-toggle]").forEach(function (b) {
      b.setAttribute("aria-expanded", closed.indexOf(b.dataset.groupToggle) >= 0 ? "false" : "true");
    });
  }

  document.addEventListener("click", function (ev) {
    var b = ev.target.closest && ev.target.closest("[data-group-toggle]");
    if (!b) return;
    var closed = collapsedGroups(), g = b.dataset.groupToggle, i = closed.indexOf(g);
    if (i >= 0) closed.splice(i, 1); else closed.push(g);
    sessionStorage.setItem(groupKey(), JSON.stringify(closed));
    applyGroups();
  });

  // Browse lists: "select all" for the bulk form; a confirmation before a bulk delete; and no refresh
  // of a live list while rows are ticked (it would drop the ticks).
  document.addEventListener("change", function (ev) {
    var all = ev.target.closest && ev.target.closest("[data-select-all]");
    if (!all) return;
    document.querySelectorAll('input[type=checkbox][form="' + all.dataset.selectAll + '"]').forEach(function (box) {
      box.checked = all.checked;
    });
  });

  document.addEventListener("click", function (ev) {
    var button = ev.target.closest && ev.target.closest("button[form][name=action]");
    if (!button) return;
    var ticked = document.querySelectorAll('input[type=checkbox][form="' + button.getAttribute("form") + '"]:checked').length;
    if (!ticked) { ev.preventDefault(); window.alert("Tick at least one row first."); return; }
    if (button.value === "delete" || ticked > 1) {
      if (!window.confirm(button.textContent.trim() + ": " + ticked + " selected row" + (ticked > 1 ? "s" : "") + "?")) ev.preventDefault();
    }
  });

  document.addEventListener("htmx:beforeRequest", function (ev) {
    var elt = ev.detail.elt;
    if (elt && elt.id === "browse-live" && elt.querySelector("input[type=checkbox]:checked")) ev.preventDefault();
  });

  // The time zone page offers the browser's own zone.
  function offerBrowserZone() {
    var button = document.getElementById("tz-browser"), select = document.getElementById("tz-select");
    if (!button || !select || !window.Intl) return;
    var zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
    if (!zone || !Array.prototype.some.call(select.options, function (o) { return o.value === zone || o.text === zone; })) return;
    button.textContent = "Use this browser's zone (" + zone + ")";
    button.hidden = false;
    button.addEventListener("click", function () { select.value = zone; });
  }

  document.addEventListener("DOMContentLoaded", function () {
    init(document.body);
    applyGroups();
    markSelected();
    offerBrowserZone();
  });
  document.addEventListener("htmx:load", function (ev) {
    init(ev.detail.elt);
    if (ev.detail.elt.id === "grid" || (ev.detail.elt.querySelector && ev.detail.elt.querySelector("#grid"))) {
      applyGroups();
      markSelected();
    }
  });
})();
