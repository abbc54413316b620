/* The transfers dashboard (transfers/dashboard.html): each panel fragment HTMX puts in the page
   (transfers/_panel.html) carries its data as a json_script block "panel-data-<name>"; its chart
   is drawn once the fragment has settled. */
window.transferCharts = (function () {
  var palette = ["#0b5cad", "#e07b00", "#2e8540", "#8e44ad", "#c0392b", "#16a085", "#7f8c8d"];
  function drill(code) {
    var params = new URLSearchParams(window.location.search);
    params.set("region", code);
    window.location.search = params.toString();
  }
  function bars(el, data) {
    var chart = echarts.init(el);
    chart.setOption({
      color: palette, tooltip: {renderMode: "richText"}, grid: {left: 60, right: 16, top: 16, bottom: 80},
      xAxis: {type: "category", data: data.items.map(function (i) { return i.name; }), axisLabel: {interval: 0, rotate: 30}},
      yAxis: {type: "value", minInterval: 1},
      series: [{type: "bar", data: data.items.map(function (i) { return i.value; })}]
    });
    if (data.drillable) {
      chart.on("click", function (p) { drill(data.items[p.dataIndex].code); });
    }
    window.addEventListener("resize", function () { chart.resize(); });
  }
  function flow(sankeyEl, mapEl, data) {
    var names = {};
    data.nodes.forEach(function (n) { names[n.code] = n.name; });
    var sankey = echarts.init(sankeyEl);
    sankey.setOption({
      tooltip: {renderMode: "richText"},
      series: [{type: "sankey", emphasis: {focus: "adjacency"},
        data: data.nodes.map(function (n) { return {name: n.code, label: {formatter: n.name}}; }),
        links: data.links, label: {formatter: function (p) { return names[p.name] || p.name; }}}]
    });
    var placed = data.nodes.filter(function (n) { return n.coord; });
    var coords = {};
    placed.forEach(function (n) { coords[n.code] = n.coord; });
    var max = Math.max.apply(null, data.links.map(function (l) { return l.value; }).concat([1]));
    var map = echarts.init(mapEl);
    map.setOption({
      tooltip: {renderMode: "richText", formatter: function (p) { return p.seriesType === "lines" ? names[p.data.source] + " → " + names[p.data.target] + ": " + p.data.value : p.data.name; }},
      xAxis: {type: "value", scale: true, name: "经度 / lon"}, yAxis: {type: "value", scale: true, name: "纬度 / lat"},
      series: [
        {type: "scatter", data: placed.map(function (n) { return {name: n.name, value: n.coord}; }),
         label: {show: true, formatter: "{b}", position: "right"}, symbolSize: 8},
        {type: "lines", coordinateSystem: "cartesian2d", effect: {show: true, symbolSize: 4},
         data: data.links.filter(function (l) { return coords[l.source] && coords[l.target]; }).map(function (l) {
           return {source: l.source, target: l.target, value: l.value, coords: [coords[l.source], coords[l.target]],
                   lineStyle: {width: 1 + 6 * l.value / max, opacity: 0.6, curveness: 0.2}};
         })}
      ]
    });
  }
  return {
    draw: function (name) {
      if (!window.echarts) return;
      var data = JSON.parse(document.getElementById("panel-data-" + name).textContent);
      if (name === "flow") {
        flow(document.getElementById("chart-sankey"), document.getElementById("chart-map"), data);
      } else if (data.items.length) {
        bars(document.getElementById("chart-" + name), data);
      }
    }
  };
})();

(function () {
  "use strict";
  var PREFIX = "panel-data-";
  function drawIn(root) {
    if (!root || !root.querySelectorAll) return;
    root.querySelectorAll("script[type='application/json'][id^='" + PREFIX + "']").forEach(function (s) {
      if (s.dataset.drawn) return;
      s.dataset.drawn = "1";
      window.transferCharts.draw(s.id.slice(PREFIX.length));
    });
  }
  document.addEventListener("htmx:afterSettle", function (e) { drawIn(e.target); });
  drawIn(document);
})();
