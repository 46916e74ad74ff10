// Draws every chart on the page from the figure JSON the server wrote beside it.
// No inline script anywhere: this file is the only code that runs, so a strict CSP holds.
(function () {
  "use strict";

  function draw(container) {
    var source = document.getElementById(container.getAttribute("data-figure-id"));
    if (!source || !window.Plotly) return;
    var figure = JSON.parse(source.textContent);
    container.style.height = (container.getAttribute("data-height") || 360) + "px";
    var config = {
      displaylogo: false,
      responsive: true,
      showSendToCloud: false,
      modeBarButtonsToRemove: ["sendDataToCloud", "select2d", "lasso2d"],
      toImageButtonOptions: { filename: container.getAttribute("data-filename") || "chart" }
    };
    window.Plotly.newPlot(container, figure.data, figure.layout, config).then(function (plot) {
      container.setAttribute("data-rendered", "true");
      plot.on("plotly_sunburstclick", function (event) {
        var point = event && event.points && event.points[0];
        if (point && point.customdata) {
          window.location.href = point.customdata;
          return false;
        }
        return true;
      });
    });
  }

  document.querySelectorAll(".chart[data-figure-id]").forEach(draw);
})();
