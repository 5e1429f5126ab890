/* tupu 产业图谱: what the graph pages share (no framework, no external asset). */
(function (global) {
  "use strict";

  /* An element with attributes and children (strings become text, never HTML). */
  function el(tag, attrs, children) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) {
      if (k === "text") { node.textContent = attrs[k]; }
      else if (k === "className") { node.className = attrs[k]; }
      else if (attrs[k] !== null && attrs[k] !== undefined) { node.setAttribute(k, attrs[k]); }
    });
    (children || []).forEach(function (c) {
      if (c === null || c === undefined) { return; }
      node.appendChild(typeof c === "string" ? document.createTextNode(c) : c);
    });
    return node;
  }

  /* GET a JSON answer of the app's API (the sign-in cookie goes along). */
  function getJSON(url) {
    return fetch(url, {credentials: "same-origin", headers: {"Accept": "application/json"}})
      .then(function (r) {
        if (!r.ok) {
          return r.json().catch(function () { return {}; }).then(function (body) {
            throw new Error(body.detail || ("HTTP " + r.status));
          });
        }
        return r.json();
      });
  }

  function status(text) {
    var s = document.getElementById("graph-status");
    if (s) { s.textContent = text; }
  }

  /* Draw vis-network data into a container; marks it ready after the first drawing:
     data-ready="1", data-draw-ms (from the data's arrival to the drawing), data-drawn-ms (since
     the page began to load), data-nodes. With ``view`` ({minScale, focus}) the view is fitted
     (readableFit) before the first drawing, so that the first picture is the final one. */
  function draw(container, data, view) {
    var started = performance.now();
    container.dataset.ready = "0";
    var nodes = new vis.DataSet(data.nodes);
    var edges = new vis.DataSet(data.edges);
    var net = new vis.Network(container, {nodes: nodes, edges: edges}, data.options);
    if (view) { readableFit(net, view.minScale, view.focus && nodes.get(view.focus) ? view.focus : null); }
    net.on("beforeDrawing", function (ctx) {  /* a white background, for exported PNGs too */
      ctx.save();
      ctx.setTransform(1, 0, 0, 1, 0, 0);
      ctx.fillStyle = "#ffffff";
      ctx.fillRect(0, 0, ctx.canvas.width, ctx.canvas.height);
      ctx.restore();
    });
    net.once("afterDrawing", function () {
      container.dataset.ready = "1";
      container.dataset.drawnMs = String(Math.round(performance.now()));
      container.dataset.drawMs = String(Math.round(performance.now() - started));
      container.dataset.nodes = String(data.nodes.length);
    });
    return {net: net, nodes: nodes, edges: edges};
  }

  /* Fit the graph, but never so far out that labels become unreadable. */
  function readableFit(net, minScale, focus) {
    net.fit({animation: false});
    if (net.getScale() < minScale) {
      var at = focus ? net.getPositions([focus])[focus] : net.getViewPosition();
      net.moveTo({position: at, scale: minScale, animation: false});
    }
  }

  /* A PNG download of what the canvas shows. */
  function exportPNG(container, name) {
    var canvas = container.querySelector("canvas");
    if (!canvas) { return null; }
    var url = canvas.toDataURL("image/png");
    var a = el("a", {href: url, download: name});
    document.body.appendChild(a);
    a.click();
    a.remove();
    return url;
  }

  global.tupuGraph = {el: el, getJSON: getJSON, status: status, draw: draw,
                      readableFit: readableFit, exportPNG: exportPNG};
})(window);
