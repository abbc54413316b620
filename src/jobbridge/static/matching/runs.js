/* Placement rate by group of the last allocation (matching/runs.html), from its json_script data. */
(function () {
  "use strict";
  var data = document.getElementById("placement-data");
  var el = document.getElementById("placement-chart");
  if (!window.echarts || !data || !el) return;
  data = JSON.parse(data.textContent);
  var chart = echarts.init(el);
  chart.setOption({
    grid: {left: 48, right: 16, top: 16, bottom: 72},
    tooltip: {renderMode: "richText", formatter: "{b}: {c}%"},
    xAxis: {type: "category", data: data.labels, axisLabel: {interval: 0, rotate: 30}},
    yAxis: {type: "value", max: 100, axisLabel: {formatter: "{value}%"}},
    series: [{type: "bar", data: data.values, itemStyle: {color: "#0b5cad"},
              label: {show: true, position: "top", formatter: "{c}%"}}]
  });
  window.addEventListener("resize", function () { chart.resize(); });
})();
