/* Charts of the return-to-work report and its embeddable panel (ECharts, vendored).
   Tooltips are drawn on the canvas (renderMode "richText"): ECharts' HTML tooltips carry style
   attributes, which the Content-Security-Policy refuses.
   Bars of a drillable breakdown navigate to the same report one level down. */
(function () {
  "use strict";
  var BLUE = "#0b5cad", GREEN = "#2e7d32";

  function pct(v) { return v === null || v === undefined ? "—" : v.toFixed(1) + "%"; }

  function bars(el, s, opts) {
    var chart = echarts.init(el);
    chart.setOption({
      grid: {left: 48, right: 16, top: 24, bottom: opts.rotate ? 80 : 32},
      tooltip: {renderMode: "richText", trigger: "axis", formatter: function (p) {
        var i = p[0].dataIndex;
        return s.names[i] + "\n" + pct(s.rates[i]) + " (" + s.went[i] + ")";
      }},
      xAxis: {type: "category", data: s.names, axisLabel: {interval: 0, rotate: opts.rotate || 0}},
      yAxis: {type: "value", max: 100, axisLabel: {formatter: "{value}%"}},
      series: [{type: "bar", data: s.rates, itemStyle: {color: opts.color || BLUE},
                label: {show: s.names.length <= 12, position: "top", formatter: function (p) { return pct(p.value); }}}]
    });
    if (opts.drill) {
      chart.on("click", function (p) {
        var code = s.codes[p.dataIndex];
        if (code) { window.location.href = opts.drill(code); }
      });
    }
    return chart;
  }

  function curve(el, d) {
    var chart = echarts.init(el);
    chart.setOption({
      grid: {left: 56, right: 48, top: 24, bottom: 48},
      tooltip: {renderMode: "richText", trigger: "axis"},
      xAxis: {type: "category", data: d.dates},
      yAxis: [{type: "value", minInterval: 1}, {type: "value", max: 100, axisLabel: {formatter: "{value}%"}}],
      series: [
        {type: "line", name: el.dataset.labelCount || "", data: d.cumulative, itemStyle: {color: BLUE}, areaStyle: {opacity: 0.15}},
        {type: "line", name: el.dataset.labelRate || "", yAxisIndex: 1, data: d.rates, itemStyle: {color: GREEN}}
      ]
    });
    return chart;
  }

  function drillUrl(data, code) {
    var q = new URLSearchParams(window.location.search);
    q.set("region", code); q.set("season", data.season); q.set("side", data.side);
    return window.location.pathname + "?" + q.toString();
  }

  function report(data) {
    var charts = [];
    var byId = function (id) { return document.getElementById(id); };
    if (!window.echarts) return;
    if (byId("chart-class")) charts.push(bars(byId("chart-class"), data.by_class, {color: GREEN}));
    if (byId("chart-origin")) charts.push(bars(byId("chart-origin"), data.by_origin, {rotate: 30,
      drill: data.side === "origin" ? function (c) { return drillUrl(data, c); } : null}));
    if (byId("chart-destination")) charts.push(bars(byId("chart-destination"), data.by_destination, {rotate: 30,
      drill: data.side === "destination" ? function (c) { return drillUrl(data, c); } : null}));
    if (byId("chart-daily") && data.daily.dates.length) charts.push(curve(byId("chart-daily"), data.daily));
    window.addEventListener("resize", function () { charts.forEach(function (c) { c.resize(); }); });
  }

  function panel(root) {
    var el = root.querySelector(".returns-panel-chart");
    var script = root.querySelector("script[type='application/json']");
    if (!el || !script || !window.echarts) return;
    var data = JSON.parse(script.textContent);
    if (data.daily.dates.length) { curve(el, data.daily); } else { bars(el, data.by_class, {color: GREEN}); }
  }

  window.jbReturns = {report: report, panel: panel};
})();
