/* 产业图谱: chains as layered graphs (positions from the server), a side panel per link. */
(function () {
  "use strict";
  var g = window.tupuGraph, el = g.el;
  var box = document.getElementById("chainmap");
  var panel = document.getElementById("panel");
  if (!box) { return; }
  var api = box.dataset.api, root = box.dataset.root;
  var scope = box.dataset.scope || "city", chain = box.dataset.chain || "";
  var STATUS = {strong: "优势", ok: "一般", weak: "薄弱", missing: "缺失"};

  var query = "?scope=" + encodeURIComponent(scope) + (chain ? "&chain=" + encodeURIComponent(chain) : "");
  g.getJSON(api + "/chains" + query).then(function (data) {
    Object.keys(data.counts).forEach(function (k) { setCount(k, data.counts[k]); });
    setCount("broken", data.broken);
    if (data.city) {  /* the whole city at a readable scale: a tall canvas the page scrolls */
      var margin = 160, scale = Math.min(1, box.clientWidth / (data.extent.width + margin));
      box.style.height = Math.ceil((data.extent.height + margin) * scale) + "px";
    }
    var drawn = g.draw(box, data);
    drawn.net.once("afterDrawing", function () {
      g.status("共 " + data.nodes.filter(isLink).length + " 个环节。");
    });
    g.readableFit(drawn.net, 0.55);
    drawn.net.on("click", function (p) {
      var id = p.nodes.length ? String(p.nodes[0]) : "";
      if (id.indexOf("ChainLink:") === 0) { openPanel(id.slice("ChainLink:".length)); }
    });
    box.tupu = drawn;
  }).catch(function (e) { g.status("图谱加载失败：" + e.message); });

  function isLink(n) { return String(n.id).indexOf("ChainLink:") === 0; }

  function setCount(key, n) {
    var c = document.querySelector('.count[data-status="' + key + '"]');
    if (c) { c.textContent = n + " 个"; }
  }

  function openPanel(link) {
    panel.replaceChildren(el("p", {className: "muted", text: "正在读取…"}));
    g.getJSON(api + "/links/" + encodeURIComponent(link) + "?scope=" + encodeURIComponent(scope))
      .then(renderPanel)
      .catch(function (e) { panel.replaceChildren(el("p", {className: "error", text: "读取失败：" + e.message})); });
  }

  function fig(v, unit) { return v === null || v === undefined ? "—" : String(v) + (unit || ""); }

  function renderPanel(d) {
    var s = d.strength;
    var parts = [
      el("h2", {text: d.link_name}),
      el("p", {}, [d.chain_name + " · ", el("span", {className: "status status-" + s.status, text: STATUS[s.status] || s.status}),
                   s.broken ? el("span", {className: "broken", text: "断链"}) : null]),
      el("dl", {className: "facts"}, [
        el("dt", {text: "本地企业"}), el("dd", {text: s.local_enterprises + " 家（规上 " + s.above_scale + "）"}),
        el("dt", {text: "区位商 LQ"}), el("dd", {text: fig(s.lq)}),
        el("dt", {text: "外地企业"}), el("dd", {text: s.outside_enterprises + " 家"})])
    ];
    if (d.reasons.length) {
      parts.push(el("h3", {text: "缺口原因"}));
      parts.push(el("ul", {}, d.reasons.map(function (r) { return el("li", {text: r}); })));
    }
    parts.push(el("h3", {text: "本地企业（" + d.enterprise_count + " 家" + (d.enterprise_count > d.enterprises.length ? "，显示前 " + d.enterprises.length : "") + "）"}));
    parts.push(d.enterprises.length ? el("ol", {className: "ranked", id: "panel-enterprises"}, d.enterprises.map(function (e) {
      var extra = [];
      if (e.above_scale) { extra.push("规上"); }
      if (e.town) { extra.push(e.town); }
      if (e.annual_revenue !== undefined && e.annual_revenue !== null) { extra.push("年营收 " + Math.round(e.annual_revenue).toLocaleString("zh-CN") + " 万元"); }
      return el("li", {}, [el("a", {href: root + "/enterprises/" + encodeURIComponent(e.id), text: e.name}),
                           extra.length ? el("span", {className: "muted", text: "（" + extra.join("，") + "）"}) : null]);
    })) : el("p", {className: "muted", text: "本范围内没有本地企业。"}));
    parts.push(el("h3", {text: "招引候选（前 " + d.candidates.length + "）"}));
    parts.push(d.candidates.length ? el("ol", {className: "ranked", id: "panel-candidates"}, d.candidates.map(function (c) {
      return el("li", {}, [
        el("a", {href: root + "/enterprises/" + encodeURIComponent(c.id), text: c.name}),
        el("span", {className: "muted", text: "（" + [c.province, c.city].filter(Boolean).join("") + "）"}),
        el("div", {className: "reasons", text: c.explanation || ""}),
        el("a", {className: "ties-link", href: root + "/explore#ties=" + encodeURIComponent(c.id), text: "以商引商路径 →"})]);
    })) : el("p", {className: "muted", text: "外地企业库中没有该环节的候选。"}));
    parts.push(el("p", {}, [el("a", {href: root + "/candidates/" + encodeURIComponent(d.link), text: "全部招引候选 →"})]));
    parts.push(el("h3", {text: "定位于此环节的园区"}));
    parts.push(d.parks.length ? el("ul", {}, d.parks.map(function (p) {
      return el("li", {}, [el("a", {href: root + "/parks/" + encodeURIComponent(p.id), text: p.name}),
                           el("span", {className: "muted", text: "（" + (p.town || "") + (p.vacant_area !== null ? "，空置 " + Math.round(p.vacant_area).toLocaleString("zh-CN") + "㎡" : "") + "）"})]);
    })) : el("p", {className: "muted", text: "暂无园区定位于此环节。"}));
    panel.replaceChildren.apply(panel, parts);
    panel.dataset.link = d.link;
  }
})();
