/* The landing page's chart of priority groups (web/dashboard.html), from its json_script data. */
(function () {
  "use strict";
  var data = document.getElementById("priority-data");
  var el = document.getElementById("priority-chart");
  if (!window.echarts || !data || !el) return;
  data = JSON.parse(data.textContent);
  var chart = echarts.init(el);
  chart.setOption({
    grid: {left: 40, right: 16, top: 16, bottom: 72},
    tooltip: {renderMode: "richText"},
    xAxis: {type: "category", data: data.labels, axisLabel: {interval: 0, rotate: 30}},
    yAxis: {type: "value", minInterval: 1},
    series: [{type: "bar", data: data.values, itemStyle: {color: "#0b5cad"}}]
  });
  window.addEventListener("resize", function () { chart.resize(); });
})();
