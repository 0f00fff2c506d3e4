/**
 * The report's own script, run in the browser after d3 and Observable Plot: it draws each
 * `<figure class="chart" data-chart="KIND" data-metric="I">` from the JSON in
 * `<script id="report-data">`, and filters the runs table. Plain ES2017 in a string (it is
 * inlined as it is); test/e2e/experiments-report.test.ts runs it in Chromium. Plot and d3 write
 * text with textContent, so the data's strings are never parsed as HTML.
 */
export const PAGE_SCRIPT = String.raw`(function () {
  'use strict';
  var data = JSON.parse(document.getElementById('report-data').textContent);
  var colors = { domain: data.experiments, range: d3.schemeTableau10, legend: false };
  var width = 680;

  function percent(kind) {
    return kind === 'boolean' ? function (v) { return d3.format('.0%')(v); } : function (v) { return d3.format('~g')(v); };
  }
  function points(kind) {
    return kind === 'boolean' ? function (v) { return d3.format('+.0f')(v * 100) + ' pts'; } : function (v) { return d3.format('+~g')(v); };
  }
  function cut(text, max) {
    return text.length > max ? text.slice(0, max - 1) + '\u2026' : text;
  }
  function withCi(rows) {
    return rows.filter(function (r) { return r.ci !== null; });
  }

  // Each experiment's values: a box plot with every run's value for a measure, a bar with its
  // Wilson interval for a rate; the mean and its 95% interval below each box.
  function distribution(metric) {
    var ys = metric.summaries.map(function (s) { return s.experiment; });
    var height = 50 + 56 * ys.length;
    if (metric.kind === 'boolean') {
      return Plot.plot({
        width: width, height: height, marginLeft: 150,
        x: { domain: [0, 1], label: metric.name + ' (rate, 95% interval)', tickFormat: percent('boolean'), grid: true },
        y: { domain: ys, label: null, tickFormat: function (d) { return cut(d, 24); } },
        color: colors,
        marks: [
          Plot.barX(metric.summaries.filter(function (s) { return s.mean !== null; }), { x: 'mean', y: 'experiment', fill: 'experiment', fillOpacity: 0.6 }),
          Plot.ruleY(withCi(metric.summaries), { y: 'experiment', x1: function (s) { return s.ci.low; }, x2: function (s) { return s.ci.high; }, strokeWidth: 2 }),
          Plot.text(metric.summaries.filter(function (s) { return s.mean !== null; }), { x: 'mean', y: 'experiment', text: function (s) { return d3.format('.1%')(s.mean) + ' of ' + s.n; }, dx: 6, dy: -14, textAnchor: 'start' }),
          Plot.ruleX([0])
        ]
      });
    }
    return Plot.plot({
      width: width, height: height, marginLeft: 150,
      x: { label: metric.name + (metric.better === 'lower' ? ' (lower is better)' : ' (higher is better)'), grid: true, nice: true },
      y: { domain: ys, label: null, tickFormat: function (d) { return cut(d, 24); } },
      color: colors,
      marks: [
        Plot.boxX(metric.values, { x: 'value', y: 'experiment', fill: 'experiment', fillOpacity: 0.15 }),
        Plot.dot(metric.values, { x: 'value', y: 'experiment', fill: 'experiment', fillOpacity: 0.5, r: 3, dy: -8, title: function (v) { return '#' + v.run + ': ' + v.value; } }),
        Plot.ruleY(withCi(metric.summaries), { y: 'experiment', x1: function (s) { return s.ci.low; }, x2: function (s) { return s.ci.high; }, strokeWidth: 3, dy: 14 }),
        Plot.dot(metric.summaries.filter(function (s) { return s.mean !== null; }), { x: 'mean', y: 'experiment', fill: 'black', r: 4, dy: 14, symbol: 'diamond', title: function (s) { return 'mean ' + d3.format('~g')(s.mean); } })
      ]
    });
  }

  // Each later experiment minus the baseline: the difference with its 95% interval, around 0.
  function difference(metric) {
    var rows = metric.comparisons;
    var format = points(metric.kind);
    return Plot.plot({
      width: width, height: 60 + 40 * rows.length, marginLeft: 150, marginRight: 40,
      x: { label: 'difference in ' + metric.name + ', 95% interval', tickFormat: format, grid: true, nice: true },
      y: { domain: rows.map(function (r) { return r.label; }), label: null },
      marks: [
        Plot.ruleX([0], { stroke: '#888' }),
        Plot.ruleY(withCi(rows), { y: 'label', x1: function (r) { return r.ci.low; }, x2: function (r) { return r.ci.high; }, strokeWidth: 3, stroke: function (r) { return r.significant ? '#c0392b' : '#555'; } }),
        Plot.dot(rows.filter(function (r) { return r.difference !== null; }), {
          x: 'difference', y: 'label', r: 5, fill: function (r) { return r.significant ? '#c0392b' : '#555'; },
          title: function (r) { return format(r.difference) + (r.pAdjusted === null ? '' : ', p ' + d3.format('.2g')(r.pAdjusted)); }
        }),
        Plot.text(rows.filter(function (r) { return r.difference !== null; }), { x: 'difference', y: 'label', text: function (r) { return format(r.difference); }, dy: -12 })
      ]
    });
  }

  // Paired comparisons: each input's difference (its runs averaged on each side).
  function perInput(metric) {
    var rows = [];
    metric.comparisons.forEach(function (c) {
      c.perInput.forEach(function (p) { rows.push({ comparison: c.label, input: p.input, difference: p.difference }); });
    });
    var inputs = Array.from(new Set(rows.map(function (r) { return r.input; })));
    var labels = Array.from(new Set(rows.map(function (r) { return r.comparison; })));
    return Plot.plot({
      width: width, height: 50 + 18 * inputs.length, marginLeft: 200,
      x: { label: 'difference in ' + metric.name + ' per input', tickFormat: points(metric.kind), grid: true, nice: true },
      y: { domain: inputs, label: null, tickFormat: function (d) { return cut(d, 32); } },
      color: { domain: labels, range: d3.schemeTableau10.slice(1), legend: labels.length > 1 },
      marks: [
        Plot.ruleX([0], { stroke: '#888' }),
        Plot.dot(rows, { x: 'difference', y: 'input', fill: 'comparison', r: 4, title: function (r) { return r.comparison + ' on ' + r.input + ': ' + points(metric.kind)(r.difference); } })
      ]
    });
  }

  var CHARTS = { distribution: distribution, difference: difference, 'per-input': perInput };
  Array.prototype.forEach.call(document.querySelectorAll('figure.chart'), function (figure) {
    try {
      var chart = CHARTS[figure.dataset.chart](data.metrics[Number(figure.dataset.metric)]);
      figure.insertBefore(chart, figure.firstChild);
    } catch (error) {
      figure.classList.add('failed');
      var message = document.createElement('p');
      message.textContent = 'This chart could not be drawn: ' + error.message;
      figure.insertBefore(message, figure.firstChild);
      console.error(error);
    }
  });

  // The runs table: rows hidden unless they match the text, the experiment and the status.
  var table = document.getElementById('runs');
  if (!table) return;
  var rows = Array.prototype.slice.call(table.tBodies[0].rows).map(function (tr) {
    return { tr: tr, text: tr.textContent.toLowerCase() };
  });
  var text = document.getElementById('filter-text');
  var experiment = document.getElementById('filter-experiment');
  var status = document.getElementById('filter-status');
  var count = document.getElementById('filter-count');
  function apply() {
    var query = text.value.trim().toLowerCase();
    var shown = 0;
    rows.forEach(function (row) {
      var match = (!query || row.text.indexOf(query) >= 0) &&
        (!experiment.value || row.tr.dataset.experiment === experiment.value) &&
        (!status.value || row.tr.dataset.status === status.value);
      row.tr.hidden = !match;
      if (match) shown++;
    });
    count.textContent = shown + ' of ' + rows.length + ' runs';
  }
  text.addEventListener('input', apply);
  experiment.addEventListener('change', apply);
  status.addEventListener('change', apply);
  apply();
})();
`;
