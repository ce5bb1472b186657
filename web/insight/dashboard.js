// Insight dashboard and printable report (console, issue 6): draws the
// charts with ECharts (web/vendor, from npm) from the same summary JSON the
// server used for the tables, so the page still reads without JavaScript.
// Served from /static/insight/; the CSP forbids inline script and style.
(function () {
  'use strict';
  var root = document.getElementById('insight');
  var printBtn = document.getElementById('print');
  if (printBtn) printBtn.addEventListener('click', function () { window.print(); });
  if (!root || !window.echarts) return;
  var en = root.dataset.lang === 'en';
  var T = function (id, eng) { return en ? eng : id; };
  var forPrint = root.dataset.print === '1';
  var charts = [];

  function chart(id) {
    var el = document.getElementById(id);
    if (!el) return null;
    // SVG prints crisp at any size; canvas is lighter on screen
    var c = window.echarts.init(el, null, { renderer: forPrint ? 'svg' : 'canvas' });
    charts.push(c);
    return c;
  }

  function label(key, none) { return key === '' ? none : key; }

  function volume(s) {
    var c = chart('chart-volume');
    if (!c) return;
    var series = Object.keys(s.series.by_channel).map(function (ch) {
      return { name: ch, type: 'bar', stack: 'v', data: s.series.by_channel[ch] };
    });
    series.push({ name: T('terkoordinasi', 'coordinated'), type: 'line', data: s.series.coordinated,
      symbol: 'none', lineStyle: { type: 'dashed' } });
    c.setOption({
      animation: false,
      tooltip: { trigger: 'axis' },
      legend: { type: 'scroll', top: 0 },
      grid: { left: 40, right: 10, top: 30, bottom: 30 },
      xAxis: { type: 'category', data: s.series.days },
      yAxis: { type: 'value', minInterval: 1 },
      series: series,
    });
  }

  function funnel(s) {
    var c = chart('chart-funnel');
    if (!c) return;
    var f = s.funnel;
    var stages = [
      [T('Masuk', 'Received'), f.received],
      [T('Ditolak otomatis', 'Auto-rejected'), f.auto_rejected.n],
      [T('Digabung otomatis', 'Auto-merged'), f.auto_merged],
      [T('Menunggu telaah', 'Queued'), f.queued],
      [T('Diterima', 'Accepted'), f.accepted],
      [T('Digabung', 'Merged'), f.merged],
      [T('Ditolak penelaah', 'Rejected'), f.rejected.n],
    ];
    c.setOption({
      animation: false,
      tooltip: {},
      grid: { left: 120, right: 30, top: 10, bottom: 20 },
      xAxis: { type: 'value', minInterval: 1 },
      yAxis: { type: 'category', inverse: true, data: stages.map(function (x) { return x[0]; }) },
      series: [{ type: 'bar', data: stages.map(function (x) { return x[1]; }), label: { show: true, position: 'right' } }],
    });
  }

  function topics(s) {
    var c = chart('chart-topics');
    if (!c) return;
    var t = s.topics.slice(0, 15);
    var names = t.map(function (x) { return label(x.topic, T('(tanpa topik)', '(no topic)')); });
    c.setOption({
      animation: false,
      tooltip: { trigger: 'axis' },
      legend: { top: 0 },
      grid: { left: 40, right: 40, top: 30, bottom: 60 },
      xAxis: { type: 'category', data: names, axisLabel: { rotate: 30 } },
      yAxis: [{ type: 'value', minInterval: 1 }, { type: 'value', min: -1, max: 1 }],
      series: [
        { name: T('Jumlah', 'Volume'), type: 'bar', data: t.map(function (x) { return x.n; }) },
        { name: T('Dukungan', 'Support'), type: 'bar', data: t.map(function (x) { return x.support; }) },
        { name: T('Sentimen', 'Sentiment'), type: 'line', yAxisIndex: 1,
          data: t.map(function (x) { return x.sentiment; }) },
      ],
    });
  }

  function kinds(s) {
    var c = chart('chart-kinds');
    if (!c) return;
    c.setOption({
      animation: false,
      tooltip: { trigger: 'item' },
      series: [{ type: 'pie', radius: ['35%', '70%'],
        data: s.kinds.map(function (k) { return { name: label(k.kind, T('(tanpa jenis)', '(no kind)')), value: k.n }; }) }],
    });
  }

  // the page carries the summary it was built from; ask only when it does not
  var block = document.getElementById('insight-data');
  var got = block
    ? Promise.resolve().then(function () { return JSON.parse(block.textContent); })
    : fetch(root.dataset.src, { credentials: 'same-origin' })
      .then(function (r) { if (!r.ok) throw new Error('summary ' + r.status); return r.json(); });
  got
    .then(function (s) {
      volume(s);
      funnel(s);
      topics(s);
      kinds(s);
      document.body.dataset.charts = String(charts.length);
    })
    .catch(function (e) {
      var p = document.createElement('p');
      p.className = 'error';
      p.textContent = T('Grafik tidak dapat dimuat: ', 'Charts could not be loaded: ') + e.message;
      root.prepend(p);
    });
  window.addEventListener('resize', function () { charts.forEach(function (c) { c.resize(); }); });
  window.addEventListener('beforeprint', function () { charts.forEach(function (c) { c.resize(); }); });
})();
