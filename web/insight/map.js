// Choropleth of Indonesia by province, kab/kota or DPR RI dapil (console,
// issue 6), raw or per 100,000 inhabitants, drawn with ECharts from the
// TopoJSON in this folder (topojson-client turns it into GeoJSON). A click
// on an area lists the posts and ideas behind it.
(function () {
  'use strict';
  var root = document.getElementById('insight-map');
  if (!root || !window.echarts || !window.topojson) return;
  var en = root.dataset.lang === 'en';
  var T = function (id, eng) { return en ? eng : id; };
  var levelSel = document.getElementById('map-level');
  var measureSel = document.getElementById('map-measure');
  var drill = document.getElementById('drill');
  var chartEl = document.getElementById('chart-map');
  var chart = null;
  var drawnLevel = null;
  // layer per level: TopoJSON object and the property that holds the code
  var LAYERS = {
    province: { object: 'provinces', code: 'province_code', name: 'province_name', key: function (c) { return c; } },
    regency: { object: 'regencies', code: 'code', name: 'name', key: function (c) { return c; } },
    dapil: { object: 'dapil_dpr_ri', code: 'dapil_dpr_ri', name: 'dapil_dpr_ri_name', key: function (c) { return 'd' + c; } },
  };
  var names = {};
  var summary, population;

  function get(url) {
    return fetch(url, { credentials: 'same-origin' }).then(function (r) {
      if (!r.ok) throw new Error(url + ' ' + r.status);
      return r.json();
    });
  }

  function register(topo) {
    Object.keys(LAYERS).forEach(function (level) {
      var L = LAYERS[level];
      var fc = window.topojson.feature(topo, topo.objects[L.object]);
      fc.features.forEach(function (f) {
        var code = String(f.properties[L.code]);
        names[level + ':' + code] = f.properties[L.name];
        f.properties = { name: code };
      });
      window.echarts.registerMap('id-' + level, fc);
    });
  }

  function draw() {
    var level = levelSel.value;
    var perCapita = measureSel.value === 'per100k';
    var rows = (summary.regions[level] || []).filter(function (r) { return r.code !== ''; });
    var data = rows.map(function (r) {
      var pop = population[LAYERS[level].key(r.code)];
      var v = perCapita ? (pop ? Math.round((r.n * 1e7) / pop) / 100 : 0) : r.n;
      return { name: r.code, value: v, n: r.n };
    });
    var max = data.reduce(function (m, d) { return Math.max(m, d.value); }, 0) || 1;
    // a new layer gets a new chart instance: ECharts keeps hover and tooltip
    // state for the shapes under a resting pointer, and after clear() that
    // state can point into shapes that are gone (a script error on the next
    // mouse move). Disposing drops it whole.
    if (chart === null || drawnLevel !== level) {
      if (chart !== null) chart.dispose();
      chart = window.echarts.init(chartEl);
      chart.on('click', function (p) { if (p.name) showDrill(levelSel.value, p.name); });
      drawnLevel = level;
    }
    chart.setOption({
      animation: false,
      tooltip: {
        trigger: 'item',
        formatter: function (p) {
          var nm = names[level + ':' + p.name] || p.name;
          var v = p.data ? p.data.value : 0;
          return nm + ': ' + v + (perCapita ? T(' per 100.000', ' per 100,000') : '');
        },
      },
      visualMap: { min: 0, max: max, left: 10, bottom: 10, calculable: true,
        inRange: { color: ['#eef4f8', '#7fb2d5', '#08306b'] } },
      series: [{ type: 'map', map: 'id-' + level, roam: true, data: data,
        emphasis: { label: { show: false } }, selectedMode: false }],
    }, true);
    document.body.dataset.map = level;
  }

  function showDrill(level, code) {
    var url = root.dataset.drill + (level === 'dapil' ? '&dapil=' : '&region=') + encodeURIComponent(code);
    drill.textContent = '';
    var h = document.createElement('h2');
    h.textContent = (names[level + ':' + code] || code) + ' — ' + T('masukan dan gagasan', 'input and ideas');
    drill.appendChild(h);
    get(url).then(function (res) {
      var ol = document.createElement('ol');
      res.items.forEach(function (it) {
        var li = document.createElement('li');
        if (it.idea_id) {
          var a = document.createElement('a');
          a.href = '/i/' + it.idea_id;
          a.textContent = it.text;
          li.appendChild(a);
        } else {
          li.textContent = it.text;
        }
        var meta = document.createElement('span');
        meta.className = 'meta';
        meta.textContent = ' · ' + it.channel + ' · ' + it.state;
        li.appendChild(meta);
        ol.appendChild(li);
      });
      if (!res.items.length) {
        var p = document.createElement('p');
        p.textContent = T('Tidak ada masukan.', 'No input.');
        drill.appendChild(p);
      }
      drill.appendChild(ol);
      drill.dataset.count = String(res.items.length);
    });
  }

  levelSel.addEventListener('change', draw);
  measureSel.addEventListener('change', draw);
  window.addEventListener('resize', function () { if (chart) chart.resize(); });

  Promise.all([get('/static/insight/indonesia.topo.json'), get('/static/insight/population.json'), get(root.dataset.src)])
    .then(function (r) {
      register(r[0]);
      population = r[1].population;
      summary = r[2];
      draw();
    })
    .catch(function (e) {
      var p = document.createElement('p');
      p.className = 'error';
      p.textContent = T('Peta tidak dapat dimuat: ', 'The map could not be loaded: ') + e.message;
      root.prepend(p);
    });
})();
