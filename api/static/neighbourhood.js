// An enterprise's neighbourhood drawn with vis-network. The graph travels in a
// <script type="application/json" id="graph-data"> block (data, never executed) and the page
// root in the container's data-root attribute, so no inline script is needed.
(function () {
  "use strict";
  var container = document.getElementById("graph");
  var data = document.getElementById("graph-data");
  if (!container || !data) { return; }
  var root = container.getAttribute("data-root") || "";
  var g = JSON.parse(data.textContent);
  var net = new vis.Network(container, {nodes: new vis.DataSet(g.nodes), edges: new vis.DataSet(g.edges)}, g.options);
  var pages = {"Enterprise": "/enterprises/", "Park": "/parks/"};
  net.on("doubleClick", function (params) {
    if (!params.nodes.length) { return; }
    var id = String(params.nodes[0]);
    var at = id.indexOf(":");
    var page = pages[id.slice(0, at)];
    if (page) { window.location.href = root + page + encodeURIComponent(id.slice(at + 1)); }
  });
})();
