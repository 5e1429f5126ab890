/* tupu 产业图谱: the dashboard charts, drawn with the vendored ECharts (static/vendor/echarts).
 *
 * A page marks each chart's place with <div class="chart" data-chart="ID"> and gives the chart
 * specifications (api/charts.py) either in a data island,
 *   <script type="application/json" id="chart-data">{"charts": {ID: spec, …}}</script>,
 * or as the URL of an API endpoint returning the same JSON: <div data-charts-url="…">.
 * Every word shown comes from the specs (the server's message catalogue); this file only turns
 * specs into ECharts options and writes money in 万元 / 亿元. No inline script, no HTML in
 * tooltips (renderMode "richText"), so a Content-Security-Policy of script-src 'self' holds.
 */
(function () {
  "use strict";

  var STATUS_COLOURS = { met: "#2e7d32", on_track: "#1565c0", behind: "#c62828", no_data: "#9e9e9e" };
  var PALETTE = ["#b71c1c", "#1565c0", "#2e7d32", "#ef6c00", "#6a1b9a", "#00838f", "#ad1457",
    "#5d4037", "#546e7a", "#9e9d24"];
  var PROGRESS_CAP = 200;
  var drawn = [];

  function number(v, digits) {
    return Number(v).toLocaleString("zh-CN", { maximumFractionDigits: digits });
  }

  /* Money given in 万元, written in 亿元 from 10,000 万元 up. */
  function money(v) {
    if (v === null || v === undefined) { return null; }
    if (Math.abs(v) >= 10000) { return number(v / 10000, 2) + "亿元"; }
    return number(v, Math.abs(v) >= 100 ? 0 : 2) + "万元";
  }

  function moneyAxis(v) {
    if (Math.abs(v) >= 10000) { return number(v / 10000, 1) + "亿"; }
    return number(v, 0) + "万";
  }

  function base(spec) {
    return {
      color: PALETTE,
      title: { text: spec.title, left: 8, top: 6, textStyle: { fontSize: 15 } },
      tooltip: { renderMode: "richText", confine: true },
      toolbox: { right: 8, feature: { saveAsImage: { name: spec.title } } },
      animation: false
    };
  }

  function progress(spec) {
    var names = spec.categories.slice().reverse();
    var points = spec.points.slice().reverse();
    var top = PROGRESS_CAP;
    var highest = Math.max.apply(null, points.map(function (p) { return p.value || 0; }));
    top = Math.min(PROGRESS_CAP, Math.max(120, Math.ceil(highest / 20) * 20));
    var option = base(spec);
    option.grid = { left: 8, right: 48, top: 60, bottom: 32, containLabel: true };
    option.tooltip.trigger = "item";
    option.tooltip.formatter = function (p) {
      var pt = points[p.dataIndex];
      var lines = [names[p.dataIndex],
        spec.labels.goal + "：" + pt.wording,
        spec.labels.actual + "：" + (pt.actual === null ? spec.no_data
          : number(pt.actual, 2) + (pt.unit || "")) + "（" + pt.status_zh + "）"];
      if (pt.value !== null) { lines.push(spec.labels.share + "：" + number(pt.value, 1) + "%"); }
      return lines.join("\n");
    };
    option.xAxis = { type: "value", max: top, name: spec.axis, nameLocation: "middle",
      nameGap: 24, axisLabel: { formatter: "{value}%" } };
    option.yAxis = { type: "category", data: names,
      axisLabel: { width: 180, overflow: "truncate" } };
    option.series = [{
      type: "bar", barMaxWidth: 18,
      data: points.map(function (pt) {
        return { value: pt.value === null ? 0 : Math.min(pt.value, top),
          itemStyle: { color: STATUS_COLOURS[pt.status] || "#78909c" } };
      }),
      label: { show: true, position: "right", formatter: function (p) {
        var pt = points[p.dataIndex];
        return pt.value === null ? spec.no_data : number(pt.value, 1) + "%";
      } },
      markLine: { symbol: "none", silent: true, lineStyle: { color: "#333", type: "dashed" },
        label: { formatter: spec.goal_label }, data: [{ xAxis: 100 }] }
    }];
    return option;
  }

  function valueAxes(spec) {
    return spec.axes.map(function (a, i) {
      return { type: "value", name: a.name, position: i === 0 ? "left" : "right",
        splitLine: { show: i === 0 },
        axisLabel: { formatter: a.money ? moneyAxis : function (v) { return number(v, 0); } } };
    });
  }

  function axisTooltip(spec) {
    return function (params) {
      var lines = [params.length ? params[0].axisValueLabel : ""];
      params.forEach(function (p) {
        var s = spec.series[p.seriesIndex];
        var axis = spec.axes[s.axis || 0];
        var v = s.data[p.dataIndex];
        var text;
        if (v === null || v === undefined) {
          text = s.suppressed && s.suppressed[p.dataIndex] ? spec.suppressed_text : "—";
        } else {
          text = axis.money ? money(v) : number(v, 2) + (axis.unit || "");
        }
        lines.push(p.seriesName + "：" + text);
      });
      return lines.join("\n");
    };
  }

  function line(spec) {
    var option = base(spec);
    option.legend = { type: "scroll", top: 34, left: 8, right: 8 };
    option.grid = { left: 8, right: 24, top: 92, bottom: 32, containLabel: true };
    option.tooltip.trigger = "axis";
    option.tooltip.formatter = axisTooltip(spec);
    option.xAxis = { type: "category", data: spec.categories, name: spec.x_name,
      nameLocation: "middle", nameGap: 26 };
    option.yAxis = valueAxes(spec);
    option.series = spec.series.map(function (s) {
      return { type: "line", name: s.name, data: s.data, connectNulls: false, symbolSize: 6 };
    });
    return option;
  }

  function bar(spec) {
    var option = base(spec);
    option.legend = { top: 34, left: 8 };
    option.grid = { left: 8, right: 8, top: 92, bottom: 8, containLabel: true };
    option.tooltip.trigger = "axis";
    option.tooltip.formatter = axisTooltip(spec);
    option.xAxis = { type: "category", data: spec.categories,
      axisLabel: { interval: 0, rotate: spec.categories.length > 8 ? 30 : 0 } };
    option.yAxis = valueAxes(spec);
    option.series = spec.series.map(function (s) {
      return { type: "bar", name: s.name, data: s.data, yAxisIndex: s.axis || 0,
        barMaxWidth: 22 };
    });
    return option;
  }

  function pie(spec) {
    var option = base(spec);
    option.legend = { type: "scroll", bottom: 0 };
    option.tooltip.trigger = "item";
    option.tooltip.formatter = "{b}：{c}" + spec.unit + "（{d}%）";
    option.series = [{ type: "pie", radius: ["35%", "62%"], center: ["50%", "54%"],
      label: { formatter: "{b}\n{c}" + spec.unit }, data: spec.points }];
    return option;
  }

  var BUILDERS = { progress: progress, line: line, bar: bar, pie: pie };

  function isEmpty(spec) {
    if (spec.kind === "pie" || spec.kind === "progress") { return !spec.points.length; }
    return !spec.categories.length || !spec.series.length;
  }

  function say(el, text) {
    el.textContent = text;
    el.classList.add("chart-message");
  }

  function draw(el, spec) {
    el.setAttribute("aria-label", spec.title);
    if (isEmpty(spec)) { say(el, spec.title + "：" + spec.empty); return; }
    var chart = echarts.init(el, null, { locale: "ZH" });
    chart.setOption(BUILDERS[spec.kind](spec));
    if (spec.links && spec.links.length) {
      chart.on("click", function (p) {
        var href = spec.links[p.dataIndex];
        if (href) { window.location.href = href; }
      });
    }
    el.setAttribute("data-drawn", "true");
    drawn.push(chart);
  }

  function drawAll(data) {
    var places = document.querySelectorAll("[data-chart]");
    Array.prototype.forEach.call(places, function (el) {
      var spec = data.charts[el.getAttribute("data-chart")];
      if (spec && BUILDERS[spec.kind]) { draw(el, spec); }
    });
  }

  function start() {
    var island = document.getElementById("chart-data");
    if (island) { drawAll(JSON.parse(island.textContent)); return; }
    var source = document.querySelector("[data-charts-url]");
    if (!source) { return; }
    fetch(source.getAttribute("data-charts-url"), {
      credentials: "same-origin", headers: { Accept: "application/json" }
    }).then(function (r) {
      if (!r.ok) { throw new Error("HTTP " + r.status); }
      return r.json();
    }).then(drawAll).catch(function () {
      Array.prototype.forEach.call(document.querySelectorAll("[data-chart]"), function (el) {
        say(el, source.getAttribute("data-error"));
      });
    });
  }

  window.addEventListener("resize", function () {
    drawn.forEach(function (c) { c.resize(); });
  });
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
