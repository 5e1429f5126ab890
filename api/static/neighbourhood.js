/* An enterprise's one-hop neighbourhood (its profile page): positions come with the data. */
(function () {
  "use strict";
  var box = document.getElementById("graph");
  var source = document.getElementById("graph-data");
  if (!box || !source) { return; }
  var root = box.dataset.root || "";
  var data = JSON.parse(source.textContent);
  var drawn = window.tupuGraph.draw(box, data);
  drawn.net.fit({animation: false});
  var pages = {"Enterprise": "/enterprises/", "Park": "/parks/"};
  drawn.net.on("doubleClick", function (params) {
    if (!params.nodes.length) { return; }
    var id = String(params.nodes[0]);
    var at = id.indexOf(":");
    var page = pages[id.slice(0, at)];
    if (page) { window.location.href = root + page + encodeURIComponent(id.slice(at + 1)); }
  });
})();
