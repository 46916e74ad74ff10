// Custom plotly.js bundle for the CRC dashboard: only the trace types the site draws.
var Plotly = require('plotly.js/lib/core');
Plotly.register([
    require('plotly.js/lib/bar'),
    require('plotly.js/lib/scatter'),
    require('plotly.js/lib/sunburst'),
]);
module.exports = Plotly;
