// review.js — the keyboard-first review workspace (issue 4). Progressive:
// the server renders the queue with plain forms that work without
// JavaScript; this module takes the same page over and drives the JSON API
// (X-CSRF-Token from the page), so an action answers in place, the next
// item is selected at once and the list refills without a page load.
//
// Keys: j/k or arrows move · a accept · m merge (into the copy's idea) ·
// 1–6 reject (spam, kasar, off-topic, not-constructive, duplicate, other) ·
// e escalate · c accept the whole near-duplicate cluster · g the whole
// coordinated group · t topics (letters toggle, Enter saves) · y kind
// (1–8 picks) · u undo the last action · / search · ? help. A relabel is
// sent at once as its own action, so undo takes it back like a decision.

const root = document.getElementById('review');
if (root) start(root);

function start(root) {
  const csrf = root.dataset.csrf;
  const en = root.dataset.lang === 'en';
  const query = root.dataset.query || '';
  const list = document.getElementById('items');
  const panel = document.getElementById('evidence');
  const flashBox = document.getElementById('flash');
  const count = document.getElementById('count');
  const empty = document.querySelector('.empty');
  const T = (id, e) => (en ? e : id);
  const REASONS = ['spam', 'kasar', 'off-topic', 'not-constructive', 'duplicate', 'other'];
  const TOPICS = ['pendidikan', 'kesehatan', 'ekonomi', 'ketenagakerjaan', 'infrastruktur', 'pertanian', 'lingkungan', 'hukum', 'sosial', 'layanan-publik', 'digital', 'lainnya'];
  const KINDS = ['gagasan', 'keluhan', 'pertanyaan', 'dukungan', 'kritik', 'spam', 'kasar', 'lainnya'];
  const done = []; // {id, relabel} acted on, newest last, for undo
  let picker = null; // the open topic or kind picker: {kind, el, on:Set}
  const evidenceCache = new Map();
  let sel = 0;
  let refilling = false;
  document.body.classList.add('js');

  const items = () => [...list.querySelectorAll('.item')];
  const current = () => items()[sel] || null;

  async function api(method, url, body) {
    const res = await fetch(url, {
      method,
      headers: body === undefined ? { 'x-csrf-token': csrf } : { 'content-type': 'application/json', 'x-csrf-token': csrf },
      body: body === undefined ? undefined : JSON.stringify(body),
      credentials: 'same-origin',
    });
    let json = null;
    try {
      json = await res.json();
    } catch {
      json = null;
    }
    return { status: res.status, json };
  }

  function esc(s) {
    return String(s ?? '').replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]);
  }

  function flash(html, bad) {
    flashBox.innerHTML = `<p class="${bad ? 'error' : 'flash'}" role="${bad ? 'alert' : 'status'}">${html}</p>`;
  }

  function setCount(delta) {
    if (count) count.textContent = String(Math.max(0, Number(count.textContent || 0) + delta));
  }

  function select(i) {
    const all = items();
    if (all.length === 0) {
      sel = 0;
      panel.innerHTML = '';
      if (empty) empty.hidden = false;
      return;
    }
    sel = Math.max(0, Math.min(i, all.length - 1));
    all.forEach((el, k) => el.classList.toggle('sel', k === sel));
    const el = all[sel];
    el.scrollIntoView({ block: 'nearest' });
    showEvidence(el.dataset.id);
    // hold it while we look at it: other reviewers get other items
    api('POST', `/api/v1/review/items/${el.dataset.id}/claim`, {}).then((r) => {
      if (r.status === 409 && el.isConnected) {
        el.classList.add('held');
      }
    });
  }

  async function evidenceOf(id) {
    if (!evidenceCache.has(id)) {
      evidenceCache.set(id, api('GET', `/api/v1/review/items/${id}`).then((r) => (r.status === 200 ? r.json : null)));
    }
    return evidenceCache.get(id);
  }

  async function showEvidence(id) {
    const it = await evidenceOf(id);
    if (!it || current()?.dataset.id !== String(id)) return;
    const ev = it.evidence || {};
    const s = ev.scores || {};
    const pctOf = (v) => (typeof v === 'number' ? `${Math.round(v * 100)}%` : '–');
    let h = `<h2>#${it.id} · ${T('bukti', 'evidence')}</h2><dl>`;
    h += `<dt>spam</dt><dd>${pctOf(s.spam)}</dd><dt>${T('konstruktif', 'constructive')}</dt><dd>${pctOf(s.constructive)}</dd>`;
    h += `<dt>${T('kasar', 'abusive')}</dt><dd>${pctOf(s.abusive)}</dd><dt>${T('jenis', 'kind')}</dt><dd>${esc(s.kind ?? '–')}</dd>`;
    h += `<dt>${T('topik', 'topics')}</dt><dd>${esc((s.topics || []).map((t) => t.topic ?? t).join(', ') || '–')}</dd>`;
    h += `<dt>${T('aturan', 'rules')}</dt><dd>${esc((ev.rules || []).map((r) => r.rule).join(', ') || '–')}</dd>`;
    h += `<dt>${T('wilayah', 'regions')}</dt><dd>${esc((ev.regions || []).map((r) => `${r.text}${r.dapil ? ` (dapil ${r.dapil_name || r.dapil})` : ''}`).join('; ') || '–')}</dd></dl>`;
    if (ev.duplicate) h += `<p class="dup">${T('Mirip', 'Copy of')} #${ev.duplicate.id} (${esc(ev.duplicate.state)}${typeof ev.duplicate.similarity === 'number' ? `, ${pctOf(ev.duplicate.similarity)}` : ''}): “${esc(ev.duplicate.text)}”</p>`;
    if (ev.cluster && ev.cluster.size > 1) h += `<p class="cluster">${T('Klaster', 'Cluster')} #${ev.cluster.root}: ${ev.cluster.size} ${T('kiriman', 'posts')}, ${ev.cluster.waiting} ${T('menunggu', 'waiting')} — <kbd>c</kbd></p>`;
    if ((ev.suggestions || []).length) h += `<p>${T('Gabung ke', 'Merge into')}: ${ev.suggestions.map((i) => `<a href="/i/${i.id}">#${i.id} ${esc(i.title)}</a> (${i.supporters})`).join(' · ')} — <kbd>m</kbd></p>`;
    if (ev.group) h += `<p class="coord">${T('Kelompok terkoordinasi', 'Coordinated group')} #${ev.group.id}: ${ev.group.members} ${T('anggota', 'members')} — <kbd>g</kbd><br><code>${esc(JSON.stringify(ev.group.evidence))}</code></p>`;
    if (ev.author_posts) h += `<p>${T('Penulis', 'Author')}: ${ev.author_posts.n} ${T('kiriman', 'posts')}, ${ev.author_posts.rejected ?? 0} ${T('ditolak', 'rejected')}</p>`;
    panel.innerHTML = h;
  }

  function removeIds(ids) {
    const gone = new Set(ids.map(String));
    let removedBefore = 0;
    items().forEach((el, k) => {
      if (gone.has(el.dataset.id)) {
        if (k < sel) removedBefore++;
        el.remove();
      }
    });
    sel -= removedBefore;
    select(sel);
    if (items().length < 10) refill();
  }

  async function refill() {
    if (refilling) return;
    refilling = true;
    try {
      const r = await api('GET', `/api/v1/review/queue?${query}${query ? '&' : ''}limit=50`);
      if (r.status !== 200) return;
      const have = new Set(items().map((el) => el.dataset.id));
      for (const it of r.json.items) {
        if (have.has(String(it.id)) || done.some((d) => d.id === it.id && !d.relabel)) continue;
        list.insertAdjacentHTML('beforeend', render(it));
      }
      if (count) count.textContent = String(r.json.total);
      if (empty) empty.hidden = items().length > 0;
      if (!list.querySelector('.item.sel')) select(sel);
    } finally {
      refilling = false;
    }
  }

  function render(it) {
    const l = it.labels || {};
    const p = (v, n) => (typeof v === 'number' ? `<span class="score">${n} ${Math.round(v * 100)}%</span>` : '');
    const tags = [
      `<span class="score">${T('prioritas', 'priority')} ${Number(it.priority || 0).toFixed(2)}</span>`,
      p(l.spam, 'spam'),
      p(l.constructive, T('konstruktif', 'constructive')),
      l.kind ? `<span class="tag">${esc(l.kind)}</span>` : '',
      ...(l.topics || []).map((t) => `<span class="tag">#${esc(t.topic ?? t)}</span>`),
      ...(l.region || []).slice(0, 3).map((g) => `<span class="tag region">📍 ${esc(g.text)}</span>`),
      it.dup_of ? `<span class="tag dup">${T('mirip', 'copy of')} #${it.dup_of}</span>` : '',
      it.group_id ? `<span class="tag coord">${T('kelompok terkoordinasi', 'coordinated group')} #${it.group_id}</span>` : '',
    ].join('');
    const opts = REASONS.map((r, k) => `<option value="${r}">${k + 1} ${r}</option>`).join('');
    return `<article class="item" data-id="${it.id}" data-dup="${it.dup_of || 0}" data-group="${it.group_id || 0}" data-priority="${Number(it.priority || 0)}" tabindex="-1">` +
      `<p class="meta">#${it.id} · ${esc(it.channel)} · ${esc(it.campaign)} · <time>${esc(it.received_at)}</time></p>` +
      `<p class="text">${esc(it.display)}</p><p class="why">${tags}</p><div class="actions">` +
      `<form data-action="accept"><button class="accept" type="submit">${T('Terima', 'Accept')}</button></form>` +
      `<form data-action="escalate"><button class="escalate" type="submit">${T('Naikkan', 'Escalate')}</button></form>` +
      (it.dup_of ? `<form data-action="merge"><button class="merge" type="submit">${T('Gabung seperti', 'Merge like')} #${it.dup_of}</button></form>` : '') +
      `<form data-action="reject"><label class="sr" for="reason-${it.id}">${T('Alasan', 'Reason')}</label><select id="reason-${it.id}" name="reason">${opts}</select>` +
      `<button class="reject" type="submit">${T('Tolak', 'Reject')}</button></form></div></article>`;
  }

  async function act(el, action, extra = {}) {
    if (!el) return;
    const id = Number(el.dataset.id);
    el.classList.add('busy');
    const r = await api('POST', `/api/v1/review/items/${id}/actions`, { action, ...extra });
    el.classList.remove('busy');
    if (r.status === 200 || r.status === 202) {
      done.push({ id });
      const idea = r.json.idea;
      if (r.status === 202) flash(T('Menunggu penelaah kedua (aturan dua orang).', 'Waiting for a second reviewer (two-person rule).'));
      else if (action === 'accept' && idea) flash(`${T('Diterima:', 'Accepted:')} <a href="/i/${idea.id}">${T('gagasan', 'idea')} #${idea.id}</a>`);
      else if (action === 'merge' && idea) flash(`${T('Digabung ke', 'Merged into')} <a href="/i/${idea.id}">${T('gagasan', 'idea')} #${idea.id}</a> (${idea.supporters})`);
      else if (action === 'reject') flash(`${T('Ditolak', 'Rejected')}: ${esc(extra.reason)} · <kbd>u</kbd> ${T('urungkan', 'undo')}`);
      else flash(T('Dinaikkan ke admin.', 'Escalated to an admin.'));
      setCount(-1);
      removeIds([id]);
    } else if (r.status === 409) {
      flash(esc(r.json?.error?.message || T('Sudah diputuskan orang lain.', 'Already decided by someone else.')), true);
      if (/already|sudah/.test(r.json?.error?.message || '')) removeIds([id]);
    } else {
      flash(esc(r.json?.error?.message || `HTTP ${r.status}`), true);
    }
  }

  async function bulk(kind) {
    const el = current();
    if (!el) return;
    const it = await evidenceOf(el.dataset.id);
    const target = kind === 'cluster' ? it?.evidence?.cluster?.root : it?.evidence?.group?.id;
    if (!target || (kind === 'cluster' && it.evidence.cluster.size < 2)) {
      flash(kind === 'cluster' ? T('Item ini tidak punya klaster.', 'This item has no cluster.') : T('Item ini bukan anggota kelompok.', 'This item is in no group.'), true);
      return;
    }
    const r = await api('POST', '/api/v1/review/bulk', { action: 'accept', [kind]: target });
    if (r.status !== 200) {
      flash(esc(r.json?.error?.message || `HTTP ${r.status}`), true);
      return;
    }
    done.push(...r.json.applied.map((id) => ({ id })));
    const idea = r.json.idea;
    flash(`${r.json.applied.length} ${T('kiriman digabung jadi', 'posts became')} <a href="/i/${idea?.id}">${T('gagasan', 'idea')} #${idea?.id}</a>` +
      (r.json.skipped.length ? ` · ${r.json.skipped.length} ${T('dilewati', 'skipped')}` : ''));
    setCount(-r.json.applied.length);
    removeIds(r.json.applied);
  }

  async function undo() {
    const last = done.pop();
    if (!last) {
      flash(T('Tidak ada yang bisa diurungkan.', 'Nothing to undo.'), true);
      return;
    }
    const id = last.id;
    const r = await api('POST', `/api/v1/review/items/${id}/actions`, { action: 'undo' });
    if (r.status === 200 && last.relabel) {
      flash(`#${id} ${T('label dikembalikan', 'labels put back')}`);
      redraw(id, r.json.submission.labels);
    } else if (r.status === 200) {
      flash(`#${id} ${T('kembali ke antrean', 'is back in the queue')}`);
      evidenceCache.delete(String(id));
      list.insertAdjacentHTML('afterbegin', render(r.json.submission.labels ? r.json.submission : { ...r.json.submission, labels: {} }));
      setCount(1);
      select(0);
    } else {
      flash(esc(r.json?.error?.message || `HTTP ${r.status}`), true);
    }
  }

  // ---- relabel: topic picker (t) and kind picker (y), keyboard only ----

  function closePicker() {
    document.getElementById('picker')?.remove();
    picker = null;
  }

  function drawPicker() {
    document.getElementById('picker')?.remove();
    const names = picker.kind === 'topics' ? TOPICS : KINDS;
    const key = (k) => (picker.kind === 'topics' ? String.fromCharCode(97 + k) : String(k + 1));
    const rows = names.map((n, k) => `<li data-${picker.kind === 'topics' ? 'topic' : 'kind'}="${n}" class="${picker.on.has(n) ? 'on' : ''}" aria-checked="${picker.on.has(n)}" role="${picker.kind === 'topics' ? 'menuitemcheckbox' : 'menuitemradio'}"><kbd>${key(k)}</kbd> ${esc(n)}</li>`).join('');
    const hint = picker.kind === 'topics' ? T('huruf: pilih/lepas · Enter: simpan · Esc: batal', 'letters toggle · Enter saves · Esc cancels') : T('angka: pilih · Esc: batal', 'a digit picks · Esc cancels');
    panel.insertAdjacentHTML('afterbegin', `<div id="picker" class="picker" role="dialog" aria-label="${picker.kind === 'topics' ? T('Topik', 'Topics') : T('Jenis', 'Kind')}"><h2>${picker.kind === 'topics' ? T('Topik', 'Topics') : T('Jenis', 'Kind')} #${picker.el.dataset.id}</h2><ul role="menu">${rows}</ul><p class="hint">${hint}</p></div>`);
  }

  async function openPicker(kind) {
    const el = current();
    if (!el) return;
    const it = await evidenceOf(el.dataset.id);
    const l = it?.labels || {};
    const on = new Set(kind === 'topics' ? (l.topics || []).map((t) => t.topic ?? t) : l.kind ? [l.kind] : []);
    picker = { kind, el, on };
    drawPicker();
  }

  // keys while a picker is open; true when the key was the picker's
  function pickerKey(k) {
    if (k === 'Escape') {
      closePicker();
      return true;
    }
    if (picker.kind === 'topics') {
      const i = k.length === 1 ? k.charCodeAt(0) - 97 : -1;
      if (i >= 0 && i < TOPICS.length) {
        const n = TOPICS[i];
        if (picker.on.has(n)) picker.on.delete(n);
        else picker.on.add(n);
        drawPicker();
      } else if (k === 'Enter') {
        if (picker.on.size === 0) flash(T('Pilih paling sedikit satu topik.', 'Pick at least one topic.'), true);
        else relabel(picker.el, { topics: TOPICS.filter((n) => picker.on.has(n)) });
      }
      return true;
    }
    const i = Number(k) - 1;
    if (k.length === 1 && i >= 0 && i < KINDS.length) relabel(picker.el, { kind: KINDS[i] });
    return true;
  }

  // the item's tags drawn again from its new labels
  function redraw(id, labels) {
    evidenceCache.delete(String(id));
    const el = list.querySelector(`.item[data-id="${id}"]`);
    if (!el || !labels) return;
    const why = el.querySelector('.why');
    const tmp = document.createElement('div');
    tmp.innerHTML = render({ id, priority: el.dataset.priority, labels, dup_of: Number(el.dataset.dup) || 0, group_id: Number(el.dataset.group) || 0 });
    const fresh = tmp.querySelector('.why');
    if (why && fresh) why.replaceWith(fresh);
    if (current() === el) showEvidence(String(id));
  }

  async function relabel(el, labels) {
    closePicker();
    const id = Number(el.dataset.id);
    const r = await api('POST', `/api/v1/review/items/${id}/actions`, { action: 'relabel', ...labels });
    if (r.status !== 200) {
      flash(esc(r.json?.error?.message || `HTTP ${r.status}`), true);
      return;
    }
    done.push({ id, relabel: true });
    flash(`#${id} ${T('dilabeli ulang', 'relabelled')}: ${esc(labels.topics ? labels.topics.join(', ') : labels.kind)} · <kbd>u</kbd> ${T('urungkan', 'undo')}`);
    redraw(id, r.json.submission.labels);
  }

  async function merge() {
    const el = current();
    if (!el) return;
    const it = await evidenceOf(el.dataset.id);
    const idea = it?.evidence?.suggestions?.[0]?.id;
    act(el, 'merge', idea ? { idea_id: idea } : {});
  }

  // forms in the list act through the API too (clicks and Enter)
  list.addEventListener('submit', (e) => {
    const form = e.target;
    const el = form.closest('.item');
    if (!el) return;
    e.preventDefault();
    sel = items().indexOf(el);
    const what = form.dataset.action || (form.getAttribute('action') || '').split('/').pop();
    if (what === 'reject') act(el, 'reject', { reason: form.querySelector('select').value });
    else if (what === 'merge') merge();
    else act(el, what);
  });
  list.addEventListener('click', (e) => {
    const el = e.target.closest('.item');
    if (el && !e.target.closest('button,select,a')) select(items().indexOf(el));
  });

  document.addEventListener('keydown', (e) => {
    const t = e.target;
    if (e.ctrlKey || e.metaKey || e.altKey) return;
    if (t && (t.tagName === 'INPUT' || t.tagName === 'TEXTAREA' || t.tagName === 'SELECT')) {
      if (e.key === 'Escape') t.blur();
      return;
    }
    const el = current();
    const k = e.key;
    if (picker) {
      if (pickerKey(k)) e.preventDefault();
      return;
    }
    if (k === 'j' || k === 'ArrowDown') select(sel + 1);
    else if (k === 'k' || k === 'ArrowUp') select(sel - 1);
    else if (k === 'a') act(el, 'accept');
    else if (k === 'e') act(el, 'escalate');
    else if (k === 'm') merge();
    else if (k >= '1' && k <= '6') act(el, 'reject', { reason: REASONS[Number(k) - 1] });
    else if (k === 'c') bulk('cluster');
    else if (k === 'g') bulk('group');
    else if (k === 't') openPicker('topics');
    else if (k === 'y') openPicker('kind');
    else if (k === 'u') undo();
    else if (k === '/') document.getElementById('f-q')?.focus();
    else if (k === '?') document.getElementById('keys-hint')?.classList.toggle('open');
    else return;
    e.preventDefault();
  });

  if (items().length) select(0);
  else refill();
}
