/* 图谱探索: search puts a node on the canvas, double-click expands it in place, filters hide,
   the view's state lives in the address (#n=…&x=…&t=…), positions come from the server. */
(function () {
  "use strict";
  var g = window.tupuGraph, el = g.el;
  var box = document.getElementById("explorer");
  if (!box) { return; }
  var api = box.dataset.api, root = box.dataset.root;
  var PAGES = {Enterprise: "/enterprises/", Park: "/parks/"};
  var state = {nodes: [], expanded: [], ties: ""};
  var drawn = null, selected = null, texts = {};
  var linkStatus = {};
  Array.prototype.forEach.call(document.querySelectorAll("#f-link option[data-status]"), function (o) {
    linkStatus[o.value] = o.dataset.status;
  });

  /* -- the address ------------------------------------------------------------------------ */
  function checked(id) {
    return Array.prototype.filter.call(document.querySelectorAll("#" + id + " input"), function (i) { return i.checked; })
      .map(function (i) { return i.value; });
  }
  function allBoxes(id) { return document.querySelectorAll("#" + id + " input"); }
  var SELECTS = ["chain", "link", "town", "park", "status"];

  function writeHash() {
    var p = new URLSearchParams();
    if (state.ties) { p.set("ties", state.ties); }
    if (state.nodes.length) { p.set("n", state.nodes.join(",")); }
    if (state.expanded.length) { p.set("x", state.expanded.join(",")); }
    var types = checked("rel-types");
    if (types.length !== allBoxes("rel-types").length) { p.set("t", types.join(",")); }
    var kinds = checked("kinds");
    if (kinds.length !== allBoxes("kinds").length) { p.set("k", kinds.join(",")); }
    SELECTS.forEach(function (f) {
      var v = document.getElementById("f-" + f).value;
      if (v) { p.set(f, v); }
    });
    history.replaceState(null, "", "#" + p.toString());
  }

  function readHash() {
    var p = new URLSearchParams(location.hash.slice(1));
    state.nodes = (p.get("n") || "").split(",").filter(Boolean);
    state.expanded = (p.get("x") || "").split(",").filter(Boolean);
    state.ties = p.get("ties") || "";
    if (p.has("t")) { setBoxes("rel-types", p.get("t").split(",")); }
    if (p.has("k")) { setBoxes("kinds", p.get("k").split(",")); }
    SELECTS.forEach(function (f) { document.getElementById("f-" + f).value = p.get(f) || ""; });
  }

  function setBoxes(id, values) {
    Array.prototype.forEach.call(allBoxes(id), function (i) { i.checked = values.indexOf(i.value) >= 0; });
  }

  function typesParam() {
    var types = checked("rel-types");
    return types.length === allBoxes("rel-types").length ? "" : "&types=" + encodeURIComponent(types.join(","));
  }

  /* -- drawing ------------------------------------------------------------------------------ */
  function show(data, focus) {
    if (drawn) { drawn.net.destroy(); }
    texts = data.texts || texts;
    var filters = currentFilters();
    data.nodes.forEach(function (n) { n.hidden = hiddenBy(filters, n); });  /* before the first drawing */
    drawn = g.draw(box, data, {minScale: 0.8, focus: focus});
    box.tupu = drawn;
    var net = drawn.net;
    net.on("doubleClick", function (p) { if (p.nodes.length) { expand(String(p.nodes[0])); } });
    net.on("selectNode", function (p) { select(String(p.nodes[0])); });
    net.on("deselectNode", function () { select(null); });
    net.on("hoverEdge", function (p) {
      var e = drawn.edges.get(p.edge);
      if (e) { drawn.edges.update({id: e.id, label: e.rel_zh}); }
    });
    net.on("blurEdge", function (p) { drawn.edges.update({id: p.edge, label: ""}); });
    box.dataset.hidden = String(data.nodes.filter(function (n) { return n.hidden; }).length);
    sizeNote();
  }

  function sizeNote() {
    var n = drawn ? drawn.nodes.length : 0;
    document.getElementById("graph-size").textContent = n ? "节点 " + n + " 个，关系 " + drawn.edges.length + " 条" : "";
    box.dataset.size = String(n);
  }

  function load() {
    var url;
    if (state.ties) {
      url = api + "/ties/" + encodeURIComponent(state.ties);
    } else if (state.nodes.length || state.expanded.length) {
      url = api + "/view?nodes=" + encodeURIComponent(state.nodes.join(",")) +
        "&expanded=" + encodeURIComponent(state.expanded.join(",")) + typesParam();
    } else {
      return Promise.resolve();
    }
    g.status("正在加载…");
    return g.getJSON(url).then(function (data) {
      show(data, state.ties ? "Enterprise:" + state.ties : state.nodes[0]);
      g.status(state.ties ? "以商引商：候选企业（左）经中间企业（中）关联到本地企业（右），路径已高亮。"
                          : "双击节点展开其邻居。");
    }).catch(function (e) { g.status("加载失败：" + e.message); });
  }

  function addNode(id) {
    if (state.ties) { state.ties = ""; state.nodes = []; state.expanded = []; }
    if (state.nodes.indexOf(id) < 0) { state.nodes.push(id); }
    writeHash();
    if (drawn && drawn.nodes.get(id)) { drawn.net.selectNodes([id]); drawn.net.focus(id, {scale: 1}); select(id); return; }
    if (!drawn || !drawn.nodes.length) { load(); return; }
    g.getJSON(api + "/view?nodes=" + encodeURIComponent(id)).then(function (data) {
      var xs = drawn.nodes.map(function (n) { return drawn.net.getPositions([n.id])[n.id].x; });
      var right = Math.max.apply(null, xs.concat([0])) + 200;
      data.nodes.forEach(function (n) { n.x = right; n.y = 0; });
      merge(data.nodes);
      applyFilters();
      drawn.net.focus(id, {scale: 1});
      sizeNote();
    });
  }

  function expand(id) {
    var node = drawn.nodes.get(id);
    if (!node || node.kind === "Group") { return; }
    var at = drawn.net.getPositions([id])[id];
    g.status("正在展开…");
    g.getJSON(api + "/expand?node=" + encodeURIComponent(id) + typesParam() +
              "&x=" + at.x + "&y=" + at.y + "&shown=" + drawn.nodes.length).then(function (data) {
      var fresh = data.nodes.filter(function (n) { return !drawn.nodes.get(n.id); });
      fresh.forEach(function (n) { n.origin = id; });
      merge(data.nodes);
      drawn.edges.update(data.edges.filter(function (e) { return drawn.nodes.get(e.from) && drawn.nodes.get(e.to); }));
      if (state.ties) {  /* a 以商引商 view becomes an ordinary one once it is expanded */
        state.nodes = drawn.nodes.getIds().map(String); state.ties = "";
      }
      if (state.expanded.indexOf(id) < 0) { state.expanded.push(id); }
      if (!state.nodes.length) { state.nodes.push(id); }
      writeHash();
      applyFilters();
      sizeNote();
      box.dataset.expanded = id;
      g.status("已展开 " + node.name + "：新增 " + fresh.length + " 个节点" +
               (data.nodes.some(function (n) { return n.kind === "Group"; }) ? "（企业过多，已按园区、区镇汇总）" : "") + "。");
    }).catch(function (e) { g.status("展开失败：" + e.message); });
  }

  /* -- aggregates ----------------------------------------------------------------------------
     An aggregate (Group:park:…, Group:town:…, Group:outside:) stands for enterprises not drawn
     one by one. Several expansions can return the same aggregate: its members are the union of
     theirs, less the enterprises drawn as nodes of their own, and its count and label follow. */
  function word(template, name, count) {
    return (template || "").replace("{name}", name).replace("{count}", String(count));
  }
  function shortName(name) { return name.length <= 8 ? name : name.slice(0, 7) + "…"; }

  function groupLook(n, members) {
    var count = members.length;
    return {id: n.id, members: members, count: count,
            label: word(texts.group_label, shortName(n.name), count),
            title: word(texts.group_title, n.name, count),
            size: Math.min(48, Math.round((14 + 3 * Math.sqrt(count)) * 10) / 10)};  /* graphview.group_size */
  }

  /* Add nodes an answer brought (expansion, search): new ones are added, aggregates already
     drawn take in the new members, and enterprises now drawn leave the aggregates. */
  function merge(incoming) {
    var mine = {};
    incoming.forEach(function (n) { if (n.kind === "Enterprise") { mine[n.key] = true; } });
    drawn.nodes.forEach(function (n) { if (n.kind === "Enterprise") { mine[n.key] = true; } });
    var add = [], change = [], emptied = [], came = {};
    incoming.forEach(function (n) {
      came[n.id] = true;
      var old = drawn.nodes.get(n.id);
      if (n.kind !== "Group") { if (!old) { add.push(n); } return; }
      var members = {};
      (old ? old.members || [] : []).concat(n.members || []).forEach(function (k) {
        if (!mine[k]) { members[k] = true; }
      });
      var look = groupLook(n, Object.keys(members).sort());
      if (!look.count) { if (old) { emptied.push(n.id); } return; }
      if (old) { change.push(look); } else { add.push(Object.assign({}, n, look)); }
    });
    drawn.nodes.forEach(function (n) {  /* drawn aggregates that lose members to new nodes */
      if (n.kind !== "Group" || came[n.id]) { return; }
      var left = (n.members || []).filter(function (k) { return !mine[k]; });
      if (left.length === n.members.length) { return; }
      if (left.length) { change.push(groupLook(n, left)); } else { emptied.push(n.id); }
    });
    drawn.nodes.add(add);
    drawn.nodes.update(change);
    drawn.edges.remove(drawn.edges.get({filter: function (e) {
      return emptied.indexOf(e.from) >= 0 || emptied.indexOf(e.to) >= 0;
    }}).map(function (e) { return e.id; }));
    drawn.nodes.remove(emptied);
  }

  function collapse(id) {
    var gone = drawn.nodes.get({filter: function (n) {
      return n.origin === id && state.nodes.indexOf(n.id) < 0 && state.expanded.indexOf(n.id) < 0;
    }}).map(function (n) { return n.id; });
    var goneSet = {};
    gone.forEach(function (n) { goneSet[n] = true; });
    drawn.edges.remove(drawn.edges.get({filter: function (e) { return goneSet[e.from] || goneSet[e.to]; }}).map(function (e) { return e.id; }));
    drawn.nodes.remove(gone);
    state.expanded = state.expanded.filter(function (x) { return x !== id; });
    writeHash();
    sizeNote();
    g.status("已收起 " + gone.length + " 个节点。");
  }

  /* -- filters ------------------------------------------------------------------------------ */
  function currentFilters() {
    var f = {kinds: checked("kinds")};
    SELECTS.forEach(function (k) { f[k] = document.getElementById("f-" + k).value; });
    return f;
  }

  function hiddenBy(f, n) {
    var kind = n.kind;
    var hide = f.kinds.indexOf(kind) < 0;
    var chained = kind === "Enterprise" || kind === "ChainLink" || kind === "Chain";
    var links = n.links || [];
    if (chained && f.chain && (n.chains || []).indexOf(f.chain) < 0) { hide = true; }
    if (chained && f.link && links.indexOf(f.link) < 0) { hide = true; }
    if (chained && f.status && !links.some(function (l) { return linkStatus[l] === f.status; })) { hide = true; }
    var placed = kind === "Enterprise" || kind === "Group" || kind === "Park" || kind === "Town";
    if (placed && f.town && n.town !== f.town) { hide = true; }
    if (placed && kind !== "Town" && f.park && n.park !== f.park) { hide = true; }
    if (state.nodes.indexOf(n.id) >= 0 || ("Enterprise:" + state.ties) === n.id) { hide = false; }
    return hide;
  }

  function applyFilters() {
    if (!drawn) { return; }
    var f = currentFilters();
    var changes = [], hidden = 0;
    drawn.nodes.forEach(function (n) {  /* only the nodes whose visibility changes are updated */
      var hide = hiddenBy(f, n);
      if (hide) { hidden += 1; }
      if (Boolean(n.hidden) !== hide) { changes.push({id: n.id, hidden: hide}); }
    });
    if (changes.length) { drawn.nodes.update(changes); }
    box.dataset.hidden = String(hidden);
  }

  /* -- the selected node -------------------------------------------------------------------- */
  function select(id) {
    selected = id;
    var pane = document.getElementById("selected");
    var n = id && drawn ? drawn.nodes.get(id) : null;
    document.getElementById("collapse").disabled = !(n && state.expanded.indexOf(id) >= 0);
    document.getElementById("ties").disabled = !(n && n.kind === "Enterprise");
    if (!n) { pane.replaceChildren(el("p", {className: "muted", text: "未选中节点。"})); return; }
    var page = PAGES[n.kind];
    var go = [];
    if (page) { go.push(el("a", {href: root + page + encodeURIComponent(n.key), text: "打开画像 →"})); }
    if (n.kind === "ChainLink") {
      go.push(el("a", {className: "candidates", href: root + "/candidates/" + encodeURIComponent(n.key), text: "招引候选 →"}));
      if (n.chains && n.chains.length) {
        go.push(el("a", {href: root + "/map?chain=" + encodeURIComponent(n.chains[0]), text: "在产业图谱中查看 →"}));
      }
    }
    if (n.kind === "Enterprise" && !n.local) {
      go.push(el("a", {href: root + "/explore#ties=" + encodeURIComponent(n.key), text: "以商引商路径 →"}));
    }
    pane.replaceChildren.apply(pane, [el("h3", {text: n.name}), el("p", {className: "pre", text: n.title})]
      .concat(go.map(function (a) { return el("p", {}, [a]); })));
  }

  /* -- controls ----------------------------------------------------------------------------- */
  document.getElementById("search").addEventListener("submit", function (ev) {
    ev.preventDefault();
    var q = document.getElementById("q").value.trim();
    var list = document.getElementById("results");
    if (!q) { list.replaceChildren(); return; }
    g.getJSON(api + "/search?q=" + encodeURIComponent(q)).then(function (rows) {
      list.dataset.count = String(rows.length);
      if (!rows.length) { list.replaceChildren(el("li", {className: "muted", text: "没有找到“" + q + "”。"})); return; }
      list.replaceChildren.apply(list, rows.map(function (r) {
        var b = el("button", {type: "button", "data-id": r.id, className: "result"},
                   [el("span", {className: "dot kind-" + (r.kind === "Enterprise" && !r.local ? "Outside" : r.kind)}),
                    r.name + "（" + r.label_zh + (r.kind === "Enterprise" ? (r.local ? "·本地" : "·外地") : "") + "）"]);
        b.addEventListener("click", function () { addNode(r.id); list.replaceChildren(); });
        return el("li", {}, [b]);
      }));
    }).catch(function (e) { g.status("检索失败：" + e.message); });
  });
  document.getElementById("collapse").addEventListener("click", function () { if (selected) { collapse(selected); select(selected); } });
  document.getElementById("ties").addEventListener("click", function () {
    var n = selected && drawn.nodes.get(selected);
    if (!n) { return; }
    state = {nodes: [], expanded: [], ties: n.key};
    writeHash();
    load();
  });
  document.getElementById("relayout").addEventListener("click", function () { load(); });
  document.getElementById("export").addEventListener("click", function () {
    var url = g.exportPNG(box, "图谱探索.png");
    box.dataset.exported = url ? String(url.length) : "0";
  });
  document.getElementById("clear").addEventListener("click", function () {
    state = {nodes: [], expanded: [], ties: ""};
    writeHash();
    if (drawn) { drawn.net.destroy(); drawn = null; }
    sizeNote();
    select(null);
  });
  ["rel-types", "kinds"].forEach(function (id) {
    document.getElementById(id).addEventListener("change", function () { writeHash(); applyFilters(); });
  });
  SELECTS.forEach(function (f) {
    document.getElementById("f-" + f).addEventListener("change", function () { writeHash(); applyFilters(); });
  });
  window.addEventListener("hashchange", function () {
    var before = JSON.stringify(state);
    readHash();
    if (JSON.stringify(state) !== before) { load(); } else { applyFilters(); }
  });

  readHash();
  load();
})();
