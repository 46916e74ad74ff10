// Writes plotly.js's injected style rules as a stylesheet, so style-src 'self' can hold.
global.window = {}; global.document = undefined;
const fs = require('fs');
const src = fs.readFileSync(require.resolve('plotly.js/build/plotcss.js'), 'utf8');
const rules = eval('(' + src.slice(src.indexOf('{', src.indexOf('var rules')), src.indexOf('};', src.indexOf('var rules')) + 1) + ')');
let css = '/* plotly.js 3.3.0 base styles (from build/plotcss.js); served from our origin instead of injected. */\n';
for (const [selector, body] of Object.entries(rules)) {
  css += selector.replace(/X/g, '.js-plotly-plot .plotly').replace(/Y/g, '.plotly-notifier') + '{' + body + '}\n';
}
fs.writeFileSync(process.argv[2], css);
