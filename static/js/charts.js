// Draws every chart on the page from the figure JSON the server wrote beside it.
// No inline script anywhere: this file is the only code that runs, so a strict CSP holds.
// plotly.js (1.1 MB) is fetched only when the first chart comes near the viewport, so pages
// whose charts sit below the fold become interactive without waiting for it.
(function () {
  "use strict";

  // An embed tells the page framing it how tall it is, whenever that changes (a chart drawn,
  // the text rewrapped at a new width), so the host's iframe fits it: docs/embedding.md.
  if (document.body.classList.contains("embed") && window.parent !== window) {
    var lastHeight = 0;
    var announce = function () {
      var height = Math.ceil(document.documentElement.getBoundingClientRect().height);
      if (height === lastHeight) return;
      lastHeight = height;
      window.parent.postMessage({ type: "crc-dashboard:resize", height: height, src: window.location.href }, "*");
    };
    if ("ResizeObserver" in window) new ResizeObserver(announce).observe(document.documentElement);
    window.addEventListener("load", announce);
    window.addEventListener("resize", announce);
    announce();
  }

  var charts = Array.prototype.slice.call(document.querySelectorAll(".chart[data-figure-id]"));
  if (!charts.length) return;
  var plotlySource = document.querySelector('meta[name="plotly-src"]');
  var loading = null;

  function loadPlotly() {
    if (window.Plotly) return Promise.resolve();
    if (!loading) {
      loading = new Promise(function (resolve, reject) {
        var script = document.createElement("script");
        script.src = plotlySource.getAttribute("content");
        script.onload = resolve;
        script.onerror = reject;
        document.head.appendChild(script);
      });
    }
    return loading;
  }

  function draw(container) {
    var source = document.getElementById(container.getAttribute("data-figure-id"));
    if (!source || container.getAttribute("data-rendered")) return;
    container.setAttribute("data-rendered", "pending");
    var figure = JSON.parse(source.textContent);
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

  charts.forEach(function (container) {
    // Reserve the chart's height now so the page does not shift when it is drawn.
    container.style.height = (container.getAttribute("data-height") || 360) + "px";
  });

  function reveal(container) {
    loadPlotly().then(function () { draw(container); });
  }

  function revealAll() {
    charts.forEach(reveal);
  }

  // Print and full-page capture never scroll a chart into view: draw them all before printing,
  // and once the page has loaded and the browser is idle, so no chart is left an empty box.
  window.addEventListener("beforeprint", revealAll);
  window.addEventListener("load", function () {
    if ("requestIdleCallback" in window) window.requestIdleCallback(revealAll, { timeout: 2000 });
    else window.setTimeout(revealAll, 500);
  });

  if (!("IntersectionObserver" in window)) {
    revealAll();
    return;
  }
  var observer = new IntersectionObserver(function (entries) {
    entries.forEach(function (entry) {
      if (entry.isIntersecting) {
        observer.unobserve(entry.target);
        reveal(entry.target);
      }
    });
  }, { rootMargin: "300px 0px" });
  charts.forEach(function (container) { observer.observe(container); });
})();
