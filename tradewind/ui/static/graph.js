// The graph view: lay the DAG out left to right with dagre, draw it as SVG, and recolour the nodes
// from graph.json every 2.5 s while the run shown is active. Task groups are drawn as clusters.
// The datasets page draws its graph (DAGs and datasets) with the same code: a node may bring its own
// `label`, `href` and `kind`. Nodes are links: focusable, opened with Enter.
(function () {
  "use strict";
  var SVG = "http://www.w3.org/2000/svg";

  function el(name, attrs, parent) {
    var node = document.createElementNS(SVG, name);
    for (var k in attrs) node.setAttribute(k, attrs[k]);
    if (parent) parent.appendChild(node);
    return node;
  }

  function shortName(id) { var i = id.lastIndexOf("."); return i >= 0 ? id.slice(i + 1) : id; }

  function layout(data) {
    var g = new dagre.graphlib.Graph({compound: true, multigraph: false});
    g.setGraph({rankdir: "LR", nodesep: 18, ranksep: 46, marginx: 16, marginy: 16});
    g.setDefaultEdgeLabel(function () { return {}; });
    data.groups.forEach(function (grp) {
      g.setNode("group:" + grp.id, {label: shortName(grp.id), clusterLabelPos: "top", paddingTop: 22});
    });
    data.groups.forEach(function (grp) {
      if (grp.parent) g.setParent("group:" + grp.id, "group:" + grp.parent);
    });
    data.nodes.forEach(function (n) {
      var label = n.label || shortName(n.id);
      var width = Math.max(90, Math.max(label.length * 7.2, (n.operator || "").length * 6) + 22);
      g.setNode(n.id, {width: width, height: 40});
      if (n.group) g.setParent(n.id, "group:" + n.group);
    });
    data.edges.forEach(function (e) { g.setEdge(e[0], e[1]); });
    dagre.layout(g);
    return g;
  }

  function draw(box, data) {
    var g = layout(data);
    var size = g.graph();
    var svg = el("svg", {width: Math.ceil(size.width || 200), height: Math.ceil(size.height || 100) + 8,
                         role: "group", "aria-label": box.dataset.label || "Graph of the DAG"});
    var clusters = el("g", {"class": "clusters"}, svg);
    var edges = el("g", {"class": "edges"}, svg);
    var nodes = el("g", {"class": "nodes"}, svg);
    data.groups.forEach(function (grp) {
      var c = g.node("group:" + grp.id);
      if (!c || !c.width) return;
      var cg = el("g", {"class": "cluster", "data-group-id": grp.id}, clusters);
      el("rect", {x: c.x - c.width / 2, y: c.y - c.height / 2, width: c.width, height: c.height, rx: 8}, cg);
      var t = el("text", {x: c.x - c.width / 2 + 8, y: c.y - c.height / 2 + 14}, cg);
      t.textContent = grp.id;
      if (grp.tooltip) el("title", {}, cg).textContent = grp.tooltip;
    });
    g.edges().forEach(function (e) {
      var pts = g.edge(e).points || [];
      if (!pts.length) return;
      var d = "M" + pts.map(function (p) { return p.x.toFixed(1) + "," + p.y.toFixed(1); }).join(" L");
      el("path", {d: d, "class": "edge", "marker-end": "url(#arrow)"}, edges);
    });
    var defs = el("defs", {}, svg);
    var marker = el("marker", {id: "arrow", viewBox: "0 0 10 10", refX: 9, refY: 5, markerWidth: 7, markerHeight: 7, orient: "auto"}, defs);
    el("path", {d: "M0,0 L10,5 L0,10 z", fill: "#8795a1"}, marker);
    var base = box.dataset.taskBase;
    data.nodes.forEach(function (n) {
      var p = g.node(n.id);
      var href = n.href || (base ? base + encodeURIComponent(n.id) : "");
      var ng = el("g", {"class": "node" + (n.kind ? " kind-" + n.kind : ""), "data-task-id": n.id,
                        transform: "translate(" + (p.x - p.width / 2) + "," + (p.y - p.height / 2) + ")"}, nodes);
      if (href) {
        ng.setAttribute("tabindex", "0");
        ng.setAttribute("role", "link");
        ng.setAttribute("aria-label", (n.label || n.id) + (n.operator ? " (" + n.operator + ")" : ""));
      }
      el("rect", {width: p.width, height: p.height, rx: n.kind === "dataset" ? 16 : 5}, ng);
      var t1 = el("text", {x: 10, y: 17}, ng); t1.textContent = n.label || shortName(n.id);
      var t2 = el("text", {x: 10, y: 31, "class": "op"}, ng); t2.textContent = n.operator || "";
      el("title", {}, ng);
      if (href) {
        ng.addEventListener("click", function () { window.location.href = href; });
        ng.addEventListener("keydown", function (ev) { if (ev.key === "Enter") window.location.href = href; });
      }
    });
    box.textContent = "";
    box.appendChild(svg);
    paint(box, data);
  }

  function paint(box, data) {
    data.nodes.forEach(function (n) {
      var ng = box.querySelector('g.node[data-task-id="' + CSS.escape(n.id) + '"]');
      if (!ng) return;
      var state = n.state || "none";
      ng.setAttribute("data-state", state);
      ng.querySelector("rect").setAttribute("class", "fill-" + state);
      ng.querySelector("title").textContent = (n.label || n.id) + (n.state ? " · " + n.state : "");
    });
  }

  function load(box, first) {
    fetch(box.dataset.src, {credentials: "same-origin", headers: {"Accept": "application/json"}})
      .then(function (r) { if (!r.ok) throw new Error("HTTP " + r.status); return r.json(); })
      .then(function (data) {
        if (first) draw(box, data); else paint(box, data);
        box.dataset.live = data.live ? "true" : "false";
        if (data.live) setTimeout(function () { load(box, false); }, 2500);
      })
      .catch(function (err) {
        if (first) box.textContent = "Could not load the graph: " + err.message;
        else setTimeout(function () { load(box, false); }, 5000);
      });
  }

  document.addEventListener("DOMContentLoaded", function () {
    var box = document.getElementById("graph");
    if (box && window.dagre) load(box, true);
  });
})();
