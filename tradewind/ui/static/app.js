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
  document.addEventListener("DOMContentLoaded", function () { init(document.body); });
  document.addEventListener("htmx:load", function (ev) { init(ev.detail.elt); });
})();
