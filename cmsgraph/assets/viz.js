/* cmsgraph network views.
 *
 * Reads the page's data (the JSON in #graph-data) and draws it with vis-network at the
 * positions computed by cmsgraph (physics off: the drawing never moves by itself).
 * Every text that comes from a document is written with textContent, never as markup.
 * window.cmsgraphViz exposes the network and what is shown, for tests and the curious.
 */
(function () {
  "use strict";

  var state = { ready: false, settledMs: null, errors: [] };
  window.cmsgraphViz = state;
  window.addEventListener("error", function (event) {
    state.errors.push(String(event.message));
  });

  var data = JSON.parse(document.getElementById("graph-data").textContent);
  var root = data.root || "";

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined && text !== null) node.textContent = text;
    return node;
  }

  function clear(node) {
    while (node.firstChild) node.removeChild(node.firstChild);
  }

  function viewHref(slug) {
    return root + (data.folder || "view") + "/" + encodeURIComponent(slug) + ".html";
  }

  function fold(text) {
    return String(text).normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase();
  }

  /* Nodes whose name contains the query; exact and prefix matches first. */
  function rank(items, query) {
    var q = fold(query.trim());
    if (!q) return [];
    var found = [];
    items.forEach(function (item) {
      var name = fold(item.name);
      var label = fold(item.label || "");
      var at = name.indexOf(q);
      if (at < 0 && label.indexOf(q) >= 0) at = label.indexOf(q);
      if (at < 0) return;
      var score = name === q || label === q ? 0 : at === 0 || label.indexOf(q) === 0 ? 1 : 2;
      found.push({ item: item, score: score });
    });
    found.sort(function (a, b) {
      return a.score - b.score || a.item.name.length - b.item.name.length ||
        (a.item.name < b.item.name ? -1 : a.item.name > b.item.name ? 1 : 0);
    });
    return found.map(function (f) { return f.item; });
  }

  var typeLabels = {};
  (data.types || []).forEach(function (t) { typeLabels[t.key] = t.label; });

  function matchItem(item) {
    var li = el("li");
    var a = el("a", "match", item.name);
    a.href = viewHref(item.id);
    li.appendChild(a);
    li.appendChild(el("span", "match-type", typeLabels[item.type] || item.type));
    return li;
  }

  if (data.view === "index") {
    indexFilter();
  } else if (data.view === "large") {
    largeSearch();
  } else if (data.view === "timeline" || data.view === "compare" || data.view === "static") {
    state.ready = true;  /* static pages: tables and links, nothing to draw */
  } else {
    draw();
  }

  /* The overview: the search box filters the lists of views. */
  function indexFilter() {
    var input = document.getElementById("search");
    var blocks = Array.prototype.slice.call(document.querySelectorAll("#views details"));
    var initiallyOpen = blocks.map(function (d) { return d.open; });
    input.form.addEventListener("submit", function (event) { event.preventDefault(); });
    input.addEventListener("input", function () {
      var q = fold(input.value.trim());
      blocks.forEach(function (block, i) {
        var any = false;
        block.querySelectorAll("li").forEach(function (li) {
          var show = !q || fold(li.textContent).indexOf(q) >= 0;
          li.hidden = !show;
          any = any || show;
        });
        block.hidden = !any;
        block.open = q ? any : initiallyOpen[i];
      });
    });
    state.ready = true;
  }

  /* A graph too large to draw: search its names and open focused views. */
  function largeSearch() {
    var input = document.getElementById("search");
    var list = document.getElementById("matches");
    input.form.addEventListener("submit", function (event) { event.preventDefault(); });
    input.addEventListener("input", function () {
      clear(list);
      rank(data.index, input.value).slice(0, 50).forEach(function (item) {
        list.appendChild(matchItem(item));
      });
    });
    state.ready = true;
  }

  function rgba(hex, alpha) {
    var n = parseInt(hex.slice(1), 16);
    return "rgba(" + (n >> 16 & 255) + "," + (n >> 8 & 255) + "," + (n & 255) + "," + alpha + ")";
  }

  function fontSize(node) {
    if (node.id === data.focus) return 20;
    switch (node.type) {
      case "area": case "instrument": case "funder": case "partner": return 15;
      case "programme": case "responsible": return 15;
      case "document": case "meeting": case "report": case "meeting-document": return 13;
      case "subactivity": case "activity": return 12;
      default: return data.view === "whole" || data.nodes.length > 150 ? 8 : 11;  /* entries */
    }
  }

  function draw() {
    var container = document.getElementById("network");
    var tooltip = document.getElementById("tooltip");
    var types = {};
    data.types.forEach(function (t) { types[t.key] = t; });
    var relationColor = {};
    data.relations.forEach(function (r) { relationColor[r.key] = r.color; });
    var byId = {};
    data.nodes.forEach(function (n) { byId[n.id] = n; });
    var edgeById = {};
    data.edges.forEach(function (e) { edgeById[e.id] = e; });
    var big = data.nodes.length > 600;

    var nodes = new vis.DataSet(data.nodes.map(function (n) {
      var t = types[n.type];
      var focus = n.id === data.focus;
      return {
        id: n.id,
        x: n.x,
        y: n.y,
        label: n.label,
        shape: t.shape,
        size: focus ? Math.max(n.size, 28) : n.size,
        borderWidth: focus ? 4 : 1,
        color: {
          background: t.color,
          border: focus ? "#111111" : t.border,
          highlight: { background: t.color, border: "#111111" },
          hover: { background: t.color, border: "#111111" }
        },
        font: { size: fontSize(n), color: "#1a1a1a", strokeWidth: 4, strokeColor: "#ffffff" }
      };
    }));
    var edges = new vis.DataSet(data.edges.map(function (e) {
      return {
        id: e.id,
        from: e.from,
        to: e.to,
        color: { color: rgba(relationColor[e.rel], 0.5), highlight: "#222222", hover: "#222222" },
        smooth: e.curve ? { enabled: true, type: "curvedCW", roundness: 0.3 * e.curve } : false
      };
    }));
    var network = new vis.Network(container, { nodes: nodes, edges: edges }, {
      autoResize: true,
      physics: false,
      layout: { improvedLayout: false, randomSeed: 1 },
      interaction: {
        hover: true,
        hoverConnectedEdges: true,
        hideEdgesOnDrag: big,
        hideEdgesOnZoom: big,
        navigationButtons: false,
        keyboard: false
      },
      nodes: {
        font: { face: "system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif" },
        scaling: { label: { drawThreshold: 7 } }  /* labels too small to read are not drawn */
      },
      edges: { width: 1, hoverWidth: 0.8, selectionWidth: 1.5,
               arrows: { to: { enabled: true, scaleFactor: 0.4 } } }
    });
    state.network = network;
    state.nodes = nodes;
    state.edges = edges;
    network.once("afterDrawing", function () {
      state.settledMs = performance.now();
      state.ready = true;
      document.body.setAttribute("data-ready", "true");
    });
    network.fit({ animation: false });

    /* Tooltips: built from text nodes. */
    function showTip(lines, pointer) {
      clear(tooltip);
      lines.forEach(function (line, i) {
        if (i === 0) {
          tooltip.appendChild(el("strong", "tip-title", line[1]));
          return;
        }
        var row = el("div", "tip-row");
        if (line[0]) row.appendChild(el("span", "tip-key", line[0] + ": "));
        var isSource = line[0].indexOf("source") === 0;
        row.appendChild(el(isSource ? "pre" : "span", isSource ? "tip-source" : "tip-value", line[1]));
        tooltip.appendChild(row);
      });
      tooltip.hidden = false;
      var box = container.getBoundingClientRect();
      var width = tooltip.offsetWidth;
      var height = tooltip.offsetHeight;
      var left = pointer.x + 16;
      var top = pointer.y + 16;
      if (left + width > box.width) left = Math.max(0, pointer.x - width - 16);
      if (top + height > box.height) top = Math.max(0, box.height - height - 4);
      tooltip.style.left = left + "px";
      tooltip.style.top = top + "px";
    }
    function hideTip() { tooltip.hidden = true; }

    network.on("hoverNode", function (p) { showTip(byId[p.node].tip, p.pointer.DOM); });
    network.on("blurNode", hideTip);
    network.on("hoverEdge", function (p) {
      var e = edgeById[p.edge];
      showTip([["", e.relation], ["from", byId[e.from].name], ["to", byId[e.to].name]],
              p.pointer.DOM);
    });
    network.on("blurEdge", hideTip);
    network.on("dragStart", hideTip);
    network.on("zoom", hideTip);
    container.addEventListener("mouseleave", hideTip);

    /* Click a node: open its view. */
    network.on("click", function (p) {
      if (p.nodes.length === 1 && p.nodes[0] !== data.focus) {
        window.location.href = viewHref(p.nodes[0]);
      }
    });

    /* Filters: by type (the legend's check boxes) and by period. */
    var boxes = Array.prototype.slice.call(document.querySelectorAll("#types input[name=type]"));
    var period = document.getElementById("period");
    var status = document.getElementById("status");
    var visible = {};
    function applyFilters() {
      var on = {};
      boxes.forEach(function (b) { on[b.value] = b.checked; });
      var when = period.value;
      var nodeUpdates = [];
      var shownNodes = 0;
      data.nodes.forEach(function (n) {
        var show = n.id === data.focus ||
          (on[n.type] !== false && (!when || n.periods.indexOf(when) >= 0));
        visible[n.id] = show;
        if (show) shownNodes += 1;
        nodeUpdates.push({ id: n.id, hidden: !show });
      });
      var edgeUpdates = [];
      var shownEdges = 0;
      data.edges.forEach(function (e) {
        var show = visible[e.from] && visible[e.to];
        if (show) shownEdges += 1;
        edgeUpdates.push({ id: e.id, hidden: !show });
      });
      nodes.update(nodeUpdates);
      edges.update(edgeUpdates);
      state.shown = { nodes: shownNodes, edges: shownEdges };
      var text = "Showing " + shownNodes + " of " + data.nodes.length + " nodes and " +
        shownEdges + " of " + data.edges.length + " links";
      if (data.view === "focused") {
        text += " (" + (data.network || "the whole graph") + ": " + data.total.nodes + " nodes, " +
          data.total.edges + " links)";
      }
      status.textContent = text + ".";
    }
    boxes.forEach(function (b) { b.addEventListener("change", applyFilters); });
    period.addEventListener("change", applyFilters);
    applyFilters();

    document.querySelectorAll(".links-legend .line").forEach(function (line) {
      var color = relationColor[line.getAttribute("data-rel")];
      if (color) line.style.borderTopColor = color;
    });

    document.getElementById("fit").addEventListener("click", function () {
      network.fit({ animation: false });
    });

    /* Find: typing lists and selects the matches; Enter brings them into view. */
    var input = document.getElementById("search");
    var list = document.getElementById("matches");
    function matches() {
      return rank(data.nodes, input.value).filter(function (n) { return visible[n.id]; });
    }
    input.addEventListener("input", function () {
      var found = matches();
      clear(list);
      found.slice(0, 12).forEach(function (n) { list.appendChild(matchItem(n)); });
      if (found.length > 12) list.appendChild(el("li", "more", "… " + (found.length - 12) + " more"));
      network.unselectAll();
      if (found.length) {
        network.selectNodes(found.map(function (n) { return n.id; }), false);
      }
      state.matches = found.map(function (n) { return n.id; });
    });
    input.form.addEventListener("submit", function (event) {
      event.preventDefault();
      var found = matches();
      state.matches = found.map(function (n) { return n.id; });
      if (!found.length) {
        status.textContent = "Nothing called “" + input.value + "” is shown here.";
        return;
      }
      network.selectNodes(state.matches, false);
      if (found.length === 1) {
        network.focus(found[0].id, { scale: Math.max(network.getScale(), 1.2), animation: false });
      } else {
        network.fit({ nodes: state.matches, animation: false });
      }
    });
  }
}());
