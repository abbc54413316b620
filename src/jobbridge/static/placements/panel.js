/* The placements panel (placements/_panel.html): state changes and retention of a region's month.
   Runs where the fragment put it, also when HTMX embeds it in a page that has not loaded ECharts
   (the transfers dashboard): then the vendored copy is loaded once and the panel drawn after. */
(function () {
  "use strict";
  var me = document.currentScript;
  var root = me && me.closest(".pl-panel");
  if (!root) return;
  var uid = root.id;

  function draw() {
    var data = JSON.parse(document.getElementById(uid + "-data").textContent);
    var a = echarts.init(document.getElementById(uid + "-states"));
    a.setOption({tooltip: {renderMode: "richText"}, grid: {left: 40, right: 16, top: 16, bottom: 72},
      xAxis: {type: "category", data: data.states, axisLabel: {interval: 0, rotate: 30}},
      yAxis: {type: "value", minInterval: 1}, series: [{type: "bar", data: data.counts, itemStyle: {color: "#0b5cad"}}]});
    var b = echarts.init(document.getElementById(uid + "-retention"));
    b.setOption({tooltip: {renderMode: "richText"}, grid: {left: 40, right: 16, top: 24, bottom: 32},
      xAxis: {type: "category", data: data.retention.map(function (r) { return r.name; })},
      yAxis: {type: "value", max: 100, name: data.retention_label},
      series: [{type: "bar", data: data.retention.map(function (r) { return r.value; }), itemStyle: {color: "#1f7a3a"}}]});
    window.addEventListener("resize", function () { a.resize(); b.resize(); });
  }

  if (window.echarts) { draw(); return; }
  var s = document.querySelector("script[data-echarts-loading]");
  if (!s) {
    s = document.createElement("script");
    s.src = me.dataset.echarts;
    s.dataset.echartsLoading = "1";
    document.head.appendChild(s);
  }
  s.addEventListener("load", draw);
})();
