/* The return-to-work report page (returns/report.html): its charts, from the json_script data. */
(function () {
  "use strict";
  var el = document.getElementById("returns-data");
  if (el && window.jbReturns) window.jbReturns.report(JSON.parse(el.textContent));
})();
