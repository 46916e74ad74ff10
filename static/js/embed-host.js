// For pages that embed a CRC performance dashboard chart: each embed reports its height with
// postMessage({type: "crc-dashboard:resize", height}) and this sets its iframe's height to fit,
// so the title, the chart, the source line and the link back show at any width.
// Include once per page: <script src="https://<dashboard>/static/js/embed-host.js" async></script>
(function () {
  "use strict";
  if (window.__crcDashboardEmbeds) return;
  window.__crcDashboardEmbeds = true;
  window.addEventListener("message", function (event) {
    var data = event.data;
    if (!data || data.type !== "crc-dashboard:resize" || typeof data.height !== "number") return;
    var frames = document.querySelectorAll("iframe[data-crc-dashboard-embed]");
    for (var i = 0; i < frames.length; i++) {
      var frame = frames[i];
      if (frame.contentWindow !== event.source) continue;
      // Only the dashboard the iframe points at may size it.
      if (new URL(frame.src, window.location.href).origin !== event.origin) continue;
      frame.style.height = Math.max(200, Math.min(data.height, 5000)) + "px";
    }
  });
})();
