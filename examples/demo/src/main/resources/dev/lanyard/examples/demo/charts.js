// Live charts of the demo's own session meters, drawn as SVG by hand (no library).
// Reads /admin/charts.json every two seconds; each chart's <svg> gets data-points (samples drawn)
// and data-max (largest value) so that a test can tell the charts hold data.
(function () {
  'use strict';
  var W = 440, H = 170, L = 52, R = 10, T = 12, B = 24;
  var COLORS = ['#1f77b4', '#d62728', '#2ca02c'];

  function esc(s) {
    return String(s).replace(/[&<>"']/g, function (c) {
      return {'&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;'}[c];
    });
  }

  function niceCeiling(v) {
    var e = Math.pow(10, Math.floor(Math.log10(v)));
    var steps = [1, 2, 2.5, 5, 10];
    for (var i = 0; i < steps.length; i++) {
      if (steps[i] * e >= v) { return steps[i] * e; }
    }
    return 10 * e;
  }

  function label(v) {
    return v === 0 ? "0" : Math.abs(v) >= 100 ? v.toFixed(0) : Math.abs(v) >= 1 ? v.toFixed(1) : v.toFixed(2);
  }

  function draw(chart) {
    var svg = document.getElementById('chart-' + chart.id);
    if (!svg) { return; }
    var t0 = Infinity, t1 = -Infinity, max = 0, samples = 0;
    chart.series.forEach(function (s) {
      samples = Math.max(samples, s.points.length);
      s.points.forEach(function (p) {
        t0 = Math.min(t0, p[0]); t1 = Math.max(t1, p[0]);
        if (p[1] !== null && p[1] > max) { max = p[1]; }
      });
    });
    var top = max > 0 ? niceCeiling(max) : 1;
    function x(t) { return L + (t1 > t0 ? (t - t0) / (t1 - t0) : 1) * (W - L - R); }
    function y(v) { return H - B - (v / top) * (H - T - B); }
    var out = '<rect x="0" y="0" width="' + W + '" height="' + H + '" fill="#fff"/>';
    [0, 0.5, 1].forEach(function (f) {
      var gy = y(top * f);
      out += '<line x1="' + L + '" x2="' + (W - R) + '" y1="' + gy + '" y2="' + gy + '" stroke="#ddd"/>'
          + '<text x="' + (L - 6) + '" y="' + (gy + 4) + '" text-anchor="end" font-size="11" fill="#555">'
          + label(top * f) + '</text>';
    });
    out += '<text x="' + L + '" y="' + (H - 6) + '" font-size="11" fill="#555">'
        + (samples > 1 ? esc(Math.round((t1 - t0) / 1000) + ' s') : 'waiting for samples') + '</text>'
        + '<text x="' + (W - R) + '" y="' + (H - 6) + '" text-anchor="end" font-size="11" fill="#555">now · '
        + esc(chart.unit) + '</text>';
    chart.series.forEach(function (s, i) {
      var d = '', pen = false;
      s.points.forEach(function (p) {
        if (p[1] === null) { pen = false; return; }
        d += (pen ? 'L' : 'M') + x(p[0]).toFixed(1) + ' ' + y(p[1]).toFixed(1) + ' ';
        pen = true;
      });
      var color = COLORS[i % COLORS.length];
      if (d) {
        out += '<path class="series" d="' + d + '" fill="none" stroke="' + color + '" stroke-width="2"/>';
      }
      out += '<rect x="' + (L + 8 + i * 120) + '" y="' + (T - 2) + '" width="10" height="10" fill="' + color + '"/>'
          + '<text x="' + (L + 22 + i * 120) + '" y="' + (T + 7) + '" font-size="11">' + esc(s.name) + '</text>';
    });
    svg.innerHTML = out;
    svg.setAttribute('data-points', String(samples));
    svg.setAttribute('data-max', String(max));
  }

  function refresh() {
    fetch('/admin/charts.json', {credentials: 'same-origin', cache: 'no-store'})
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (data) {
        if (!data) { return; }
        data.charts.forEach(draw);
        document.getElementById('charts').setAttribute('data-updated', String(Date.now()));
      })
      .catch(function () { /* the next poll tries again */ });
  }

  refresh();
  setInterval(refresh, 2000);
})();
