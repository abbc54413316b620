/* The return-to-work panel (returns/_panel.html), wherever a page embeds it (e.g. the transfers
   dashboard's #returns-panel): draws into the fragment this script came in, loading the vendored
   ECharts and returns/charts.js first when the host page has not. */
(function () {
  "use strict";
  var me = document.currentScript;
  var panels = document.querySelectorAll("[data-returns-panel]");
  var root = (me && me.closest("[data-returns-panel]")) || panels[panels.length - 1];
  if (!root) return;

  function load(src, marker, next) {
    var s = document.querySelector("script[" + marker + "]");
    if (!s) {
      s = document.createElement("script");
      s.src = src;
      s.setAttribute(marker, "1");
      document.head.appendChild(s);
    }
    s.addEventListener("load", next);
  }
  function draw() { window.jbReturns.panel(root); }
  function withCharts() { window.jbReturns ? draw() : load(me.dataset.charts, "data-returns-charts-loading", draw); }
  window.echarts ? withCharts() : load(me.dataset.echarts, "data-echarts-loading", withCharts);
})();
