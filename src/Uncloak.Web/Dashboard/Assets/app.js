// Uncloak dashboard: vanilla JS, no inline script (CSP default-src 'self'). Every element is built with textContent,
// never innerHTML, so nothing the store holds (kernel lines, reasons) can become markup.
'use strict';

const antiforgery = document.querySelector('meta[name="uncloak-antiforgery"]').content;
const main = document.getElementById('page');
const page = main.dataset.page;

function el(tag, attrs, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (k === 'class') { e.className = v; } else if (k.startsWith('on')) { e.addEventListener(k.slice(2), v); } else { e.setAttribute(k, v); }
  }
  for (const c of children) {
    if (c === null || c === undefined) { continue; }
    e.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return e;
}

function table(headers, rows) {
  return el('table', {}, el('thead', {}, el('tr', {}, ...headers.map(h => el('th', {}, h)))),
    el('tbody', {}, ...rows.map(r => el('tr', r.attrs || {}, ...r.cells.map(c => el('td', {}, c))))));
}

function section(title, body, id) {
  return el('section', { class: 'card', id: id || '' }, el('h2', {}, title), body);
}

async function getJson(url) {
  const r = await fetch(url, { credentials: 'same-origin' });
  const body = await r.json();
  if (!r.ok) { throw new Error(body.error || r.statusText); }
  return body;
}

async function post(url, body) {
  const r = await fetch(url, {
    method: 'POST',
    credentials: 'same-origin',
    headers: { 'Content-Type': 'application/json', 'X-Uncloak-Antiforgery': antiforgery },
    body: JSON.stringify(body),
  });
  return r.json();
}

function say(text, bad) {
  let s = document.getElementById('status');
  if (!s) { s = el('p', { id: 'status' }); main.insertBefore(s, main.children[1] || null); }
  s.className = bad ? 'bad' : 'muted';
  s.textContent = text;
}

function replace(id, node) {
  node.id = id;
  const old = document.getElementById(id);
  if (old) { old.replaceWith(node); } else { main.append(node); }
}

function live(onOverview) {
  const source = new EventSource('/api/stream');
  source.addEventListener('overview', e => onOverview(JSON.parse(e.data)));
  source.onerror = () => say('live updates interrupted; retrying…', true);
  source.onopen = () => { const s = document.getElementById('status'); if (s) { s.textContent = ''; } };
}

document.getElementById('logout').addEventListener('click', async () => {
  await post('/logout', {});
  location.href = '/login';
});
document.getElementById('loading')?.remove();

// ---- overview -----------------------------------------------------------------------------------------------------
const latencies = {};

function sparkline(values) {
  const ns = 'http://www.w3.org/2000/svg';
  const svg = document.createElementNS(ns, 'svg');
  svg.setAttribute('class', 'spark');
  svg.setAttribute('viewBox', '0 0 120 24');
  const max = Math.max(...values, 0.001);
  const line = document.createElementNS(ns, 'polyline');
  line.setAttribute('points', values.map((v, i) => `${(i * 120 / Math.max(values.length - 1, 1)).toFixed(1)},${(23 - v / max * 22).toFixed(1)}`).join(' '));
  svg.append(line);
  return svg;
}

function renderOverview(status) {
  if (status.error) { say(status.error, true); return; }
  const probes = status.probes || [];
  for (const p of probes) {
    (latencies[p.name] = latencies[p.name] || []).push(p.latency_seconds * 1000);
    if (latencies[p.name].length > 60) { latencies[p.name].shift(); }
  }
  const grid = el('div', { class: 'grid' },
    section('Probes', probes.length === 0 ? el('p', { class: 'muted' }, 'No probes configured.') : table(['probe', 'state', 'latency', 'recent'],
      probes.map(p => ({ cells: [p.name, el('span', { class: p.up ? 'up' : 'down' }, p.up ? 'up' : 'DOWN'), `${(p.latency_seconds * 1000).toFixed(1)} ms`, sparkline(latencies[p.name])] })))),
    section('Open outages', (status.open_outages || []).length === 0 ? el('p', { class: 'muted' }, 'None.') : table(['probe', 'since'],
      status.open_outages.map(o => ({ cells: [o.probe, o.since] })))),
    section(`Bans in force: ${status.bans_in_force.total} (${status.bans})`, table(['origin', 'scenario', 'count'],
      status.bans_in_force.by_origin.map(b => ({ attrs: { class: 'ban-origin' }, cells: [b.origin, b.scenario || '—', b.count] })))),
    section('Scenarios', table(['scenario', 'events', 'buckets', 'decisions'],
      (status.scenarios || []).map(s => ({ cells: [s.name, s.events, s.buckets, Object.entries(s.decisions || {}).map(([k, v]) => `${k} ${v}`).join(', ') || '—'] })))),
    section('Sources', table(['source', 'events', 'lag', 'gaps', 'restarts'],
      (status.sources || []).map(s => ({ cells: [s.name, s.events, `${s.lag_seconds} s`, s.gaps, s.restarts] })))),
    section('Last alerts', (status.recent_alerts || []).length === 0 ? el('p', { class: 'muted' }, 'None.') : table(['time', 'severity', 'title'],
      status.recent_alerts.map(a => ({ cells: [a.time, a.severity, a.title] })))));
  replace('overview', grid);
  refreshInForce(status.bans_in_force.total);
}

let shownTotal = -1;
async function refreshInForce(total) {
  if (total === shownTotal) { return; }
  shownTotal = total;
  const bans = await getJson('/api/bans?active=1&limit=20');
  replace('in-force', section('Newest bans in force', bans.bans.length === 0 ? el('p', { class: 'muted' }, 'None.') : table(['target', 'origin', 'scenario', 'expires', 'reason'],
    bans.bans.map(b => ({ attrs: { 'data-target': b.target, class: 'ban' }, cells: [el('a', { href: `/peers?address=${encodeURIComponent(b.target.split('/')[0])}` }, b.target), b.origin, b.scenario || '—', b.expires, b.reason] })))));
}

// Events per second by kind: the last five whole minutes of the per-minute counts, with the hour as a sparkline.
async function refreshRates() {
  let t;
  try { t = await getJson('/api/timeline?range=1h'); } catch (e) { say(e.message, true); return; }
  // The last five buckets, the newest being the minute still running: divided by the seconds they cover so far.
  const seconds = 240 + Math.min(60, Math.max(1, Date.now() / 1000 - (t.start + (t.buckets - 1) * t.step)));
  const rate = counts => counts.slice(-5).reduce((a, b) => a + b, 0) / seconds;
  replace('rates', section('Events per second by kind (last 5 min)', t.series.length === 0 ? el('p', { class: 'muted' }, 'No events in the last hour.') : table(['kind', 'per second', 'last hour'],
    t.series.map(s => ({ attrs: { class: 'rate' }, cells: [s.kind, rate(s.counts).toFixed(2), sparkline(s.counts)] })))));
}

// ---- bans ---------------------------------------------------------------------------------------------------------
async function act(kind, body) {
  const r = await post(`/api/${kind}`, body);
  say(r.error || `${r.action} ${r.target}: ${r.outcome}`, !r.done);
  return r;
}

function bansPage() {
  const params = new URLSearchParams(location.search);
  const f = el('form', { class: 'row', id: 'filters' },
    el('label', {}, 'origin', el('input', { name: 'origin', value: params.get('origin') || '', placeholder: 'watch, cli, web' })),
    el('label', {}, 'scenario', el('input', { name: 'scenario', value: params.get('scenario') || '' })),
    el('label', {}, 'since', el('input', { name: 'since', value: params.get('since') || '', placeholder: '24h, 7d' })),
    el('label', {}, 'in force only', el('input', { name: 'active', type: 'checkbox', value: '1' })),
    el('button', { class: 'act', type: 'submit' }, 'Filter'));
  if (params.get('active') !== '0') { f.elements.active.checked = true; }
  const ban = el('form', { class: 'row', id: 'ban-form' },
    el('label', {}, 'target', el('input', { name: 'target', placeholder: '198.18.0.7 or 198.18.4.0/24', required: 'required' })),
    el('label', {}, 'for', el('input', { name: 'duration', value: '1h', size: '5' })),
    el('label', {}, 'reason', el('input', { name: 'reason', placeholder: 'manual ban' })),
    el('button', { class: 'act danger', type: 'submit' }, 'Ban'));
  ban.addEventListener('submit', async e => {
    e.preventDefault();
    await act('ban', { target: ban.elements.target.value, duration: ban.elements.duration.value, reason: ban.elements.reason.value || undefined });
    load(null);
  });
  main.append(section('Ban an address or network', ban), f);
  const rows = el('tbody', { id: 'ban-rows' });
  main.append(el('table', { id: 'bans' }, el('thead', {}, el('tr', {}, ...['target', 'state', 'origin', 'scenario', 'created', 'expires', 'reason', ''].map(h => el('th', {}, h)))), rows));
  const more = el('button', { class: 'act', type: 'button', id: 'more' }, 'More');
  main.append(more);
  let next = null;
  async function load(before) {
    const q = new URLSearchParams(new FormData(f));
    if (!f.elements.active.checked) { q.delete('active'); }
    q.set('limit', '50');
    if (before) { q.set('before', before); } else { rows.textContent = ''; }
    const page = await getJson(`/api/bans?${q}`);
    for (const b of page.bans) {
      const buttons = b.state === 'in force' ? [
        el('button', { class: 'act danger', type: 'button', onclick: async () => { await act('unban', { target: b.target }); load(null); } }, 'Unban'),
        ' ',
        el('button', { class: 'act', type: 'button', onclick: async () => { await act('extend', { target: b.target, duration: '24h' }); load(null); } }, 'Extend 24h'),
      ] : [b.revoked_by ? `revoked by ${b.revoked_by}` : ''];
      rows.append(el('tr', { 'data-target': b.target, class: 'ban' },
        el('td', {}, el('a', { href: `/peers?address=${encodeURIComponent(b.target.split('/')[0])}` }, b.target)), el('td', {}, b.state), el('td', {}, b.origin),
        el('td', {}, b.scenario || '—'), el('td', {}, b.created), el('td', {}, b.expires), el('td', {}, b.reason), el('td', {}, ...buttons)));
    }
    next = page.next;
    more.hidden = next === null;
  }
  f.addEventListener('submit', e => { e.preventDefault(); load(null); });
  more.addEventListener('click', () => load(next));
  load(null);
}

// ---- peers --------------------------------------------------------------------------------------------------------
function peersPage() {
  const params = new URLSearchParams(location.search);
  const f = el('form', { class: 'row', id: 'peer-search' },
    el('label', {}, 'address', el('input', { name: 'address', value: params.get('address') || '', placeholder: '198.18.3.5' })),
    el('button', { class: 'act', type: 'submit' }, 'Why?'));
  main.append(f);
  async function show() {
    const address = f.elements.address.value.trim();
    if (!address) {
      const bans = await getJson('/api/bans?active=1&limit=50');
      replace('peer', section('Banned now', bans.bans.length === 0 ? el('p', { class: 'muted' }, 'Nobody.') : table(['target', 'scenario', 'reason'],
        bans.bans.map(b => ({ attrs: { 'data-target': b.target, class: 'ban' }, cells: [el('a', { href: `/peers?address=${encodeURIComponent(b.target.split('/')[0])}` }, b.target), b.scenario || '—', b.reason] })))));
      return;
    }
    let h;
    try { h = await getJson(`/api/peers/${encodeURIComponent(address)}`); } catch (e) { say(e.message, true); return; }
    replace('peer', el('div', {},
      el('p', { class: h.banned ? 'bad' : 'muted', id: 'peer-state' }, `${h.address}: ${h.banned ? 'BANNED now' : 'not banned now'}; ${h.prior_offences} earlier offence(s) in 30 days; ${h.events} stored event(s)`),
      el('p', { class: 'muted', id: 'peer-rdns' }, 'Reverse DNS: looking up…'),
      section('Events by kind', table(['kind', 'events', 'episodes', 'first', 'last'], h.kinds.map(k => ({ cells: [k.kind, k.events, k.episodes, k.first, k.last] })))),
      section('Decisions', table(['target', 'state', 'origin', 'scenario', 'reason', 'created', 'expires', 'revoked by', 'evidence'],
        h.decisions.map(d => ({ attrs: { class: 'decision', 'data-state': d.state }, cells: [d.target, d.state, d.origin, d.scenario || '—', d.reason, d.created, d.expires, d.revoked_by || '—',
          d.evidence ? el('pre', { class: 'mono' }, `${d.evidence.events} event(s) from ${d.evidence.first}\n${d.evidence.source || ''}\n${d.evidence.text || ''}`) : '—'] }))))));
    // The name is a hint, not evidence (whoever controls the address's reverse zone chooses it); bounded by the daemon.
    getJson(`/api/rdns/${encodeURIComponent(h.address.split('/')[0])}`).then(r => {
      const p = document.getElementById('peer-rdns');
      if (p) { p.textContent = `Reverse DNS: ${r.name || `(${r.error})`}`; }
    }, e => say(e.message, true));
  }
  f.addEventListener('submit', e => { e.preventDefault(); history.replaceState(null, '', `/peers?address=${encodeURIComponent(f.elements.address.value.trim())}`); show(); });
  show();
  // The page follows the daemon: a ban or unban shows without a reload.
  let total = -1;
  live(status => { if (status.bans_in_force && status.bans_in_force.total !== total) { total = status.bans_in_force.total; show(); } });
}

// ---- timeline -----------------------------------------------------------------------------------------------------
const palette = ['#1f4fd1', '#b42318', '#067647', '#b54708', '#6941c6', '#0e7090', '#c11574', '#4d5761', '#84cc16', '#f59e0b'];

function isoOf(unixSeconds) { return new Date(unixSeconds * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z'); }

// Outages as shaded bands behind the series, incidents as dashed markers with a triangle on top.
function drawMarks(u, t) {
  const ctx = u.ctx;
  const { left, top, width, height } = u.bbox;
  const x = v => u.valToPos(v, 'x', true);
  ctx.save();
  ctx.beginPath();
  ctx.rect(left, top, width, height);
  ctx.clip();
  ctx.fillStyle = 'rgba(180, 35, 24, 0.13)';
  for (const o of t.outages) {
    const a = x(Date.parse(o.start) / 1000);
    const b = x(o.end ? Date.parse(o.end) / 1000 : Date.now() / 1000);
    ctx.fillRect(a, top, Math.max(b - a, 2), height);
  }
  ctx.strokeStyle = '#6941c6';
  ctx.fillStyle = '#6941c6';
  ctx.setLineDash([4, 3]);
  for (const i of t.incidents) {
    const at = x(Date.parse(i.start) / 1000);
    ctx.beginPath(); ctx.moveTo(at, top); ctx.lineTo(at, top + height); ctx.stroke();
    ctx.beginPath(); ctx.moveTo(at - 5, top); ctx.lineTo(at + 5, top); ctx.lineTo(at, top + 8); ctx.fill();
  }
  ctx.restore();
}

function timelinePage() {
  const params = new URLSearchParams(location.search);
  const box = el('div', { id: 'timeline-chart', class: 'card' });
  const summary = el('p', { id: 'timeline-summary', class: 'muted' });
  const bar = el('div', { class: 'row', id: 'ranges' });
  let query = params.get('from') ? { from: params.get('from'), to: params.get('to') || '' } : { range: params.get('range') || '24h' };
  let current = null;
  let plot = null;
  for (const r of ['1h', '6h', '24h', '7d', '30d']) {
    bar.append(el('button', { class: 'act', type: 'button', 'data-range': r, onclick: () => show({ range: r }) }, r), ' ');
  }
  // Pan: the same span, half of it earlier or later.
  const pan = dir => {
    if (!current) { return; }
    const from = Date.parse(current.from) / 1000, to = Date.parse(current.to) / 1000, shift = (to - from) / 2 * dir;
    show({ from: isoOf(from + shift), to: isoOf(Math.min(to + shift, Date.now() / 1000)) });
  };
  bar.append(el('button', { class: 'act', type: 'button', id: 'earlier', onclick: () => pan(-1) }, '◀ earlier'), ' ',
    el('button', { class: 'act', type: 'button', id: 'later', onclick: () => pan(1) }, 'later ▶'));
  main.append(bar, summary, box);

  async function show(q) {
    query = q;
    history.replaceState(null, '', `/timeline?${new URLSearchParams(q)}`);
    let t;
    try { t = await getJson(`/api/timeline?${new URLSearchParams(q)}`); } catch (e) { say(e.message, true); return; }
    current = t;
    const xs = Array.from({ length: t.buckets }, (_, i) => t.start + i * t.step);
    const kinds = t.series.length > 0 ? t.series : [{ kind: 'no events', counts: xs.map(() => 0) }];
    const series = [{}, ...kinds.map((s, i) => ({ label: s.kind, stroke: palette[i % palette.length], width: 1.5, points: { show: false } }))];
    summary.textContent = `${t.total} event(s) from ${t.from} to ${t.to}, per ${t.step === 60 ? 'minute' : 'hour'}; ` +
      `${t.outages.length} outage(s) (red bands), ${t.incidents.length} incident(s) (dashed). Drag across the chart to zoom, double-click to zoom out.`;
    const opts = {
      width: Math.max(box.clientWidth - 20, 600),
      height: 380,
      series,
      scales: { x: { time: true } },
      axes: [{}, { label: `events per ${t.step === 60 ? 'minute' : 'hour'}`, size: 60 }],
      cursor: { drag: { x: true, y: false } },
      hooks: {
        drawAxes: [u => drawMarks(u, t)],
        // Zoomed to two days or less on hourly counts: fetch the per-minute counts of that span.
        setSelect: [u => {
          if (u.select.width < 4) { return; }
          const min = u.posToVal(u.select.left, 'x'), max = u.posToVal(u.select.left + u.select.width, 'x');
          if (t.step === 3600 && max - min <= 48 * 3600) { show({ from: isoOf(Math.floor(min)), to: isoOf(Math.ceil(Math.max(max, min + 3600))) }); }
        }],
      },
    };
    if (plot) { plot.destroy(); }
    plot = new uPlot(opts, [xs, ...kinds.map(s => s.counts)], box);
    for (const b of bar.querySelectorAll('button[data-range]')) { b.setAttribute('aria-pressed', String(q.range === b.dataset.range)); }
    replace('timeline-marks', el('div', { class: 'grid' },
      section('Outages in view', t.outages.length === 0 ? el('p', { class: 'muted' }, 'None.') : table(['probe', 'start', 'end', 'cause'],
        t.outages.map(o => ({ attrs: { class: 'outage' }, cells: [o.probe, o.start, o.end || 'ongoing', o.cause] })))),
      section('Incidents in view', t.incidents.length === 0 ? el('p', { class: 'muted' }, 'None.') : table(['start', 'layer', 'summary'],
        t.incidents.map(i => ({ attrs: { class: 'incident' }, cells: [el('a', { href: `/outages#incident-${i.id}` }, i.start), i.layer, i.summary] }))))));
  }
  show(query);
}

// ---- outages and incidents ----------------------------------------------------------------------------------------
function kindsText(kinds) {
  const entries = Object.entries(kinds || {});
  return entries.length === 0 ? 'no events' : entries.map(([k, n]) => `${k} ${n}`).join(', ');
}

async function incidentDetail(id, into) {
  into.textContent = 'Reading the bundle…';
  let d;
  try { d = await getJson(`/api/incidents/${encodeURIComponent(id)}`); } catch (e) { into.textContent = e.message; return; }
  const i = d.incidents[0];
  into.textContent = '';
  into.append(
    el('p', {}, `Layers: ${i.layers.map(l => `${l.layer} ${l.score}`).join(', ') || 'none scored'}`),
    i.evidence.length === 0 ? el('p', { class: 'muted' }, 'No evidence in the bundle.') : table(['evidence', ''], i.evidence.map(e => ({ cells: [e.kind, el('pre', { class: 'mono' }, e.text)] }))),
    i.reasoning.length === 0 ? '' : el('ul', { class: 'reasoning' }, ...i.reasoning.map(r => el('li', {}, r))),
    ...i.problems.map(p => el('p', { class: 'bad' }, p)));
}

function incidentCell(i) {
  const detail = el('div', { class: 'incident-detail' });
  return el('div', { class: 'incident', id: `incident-${i.id}` },
    el('strong', {}, `${i.layer} (${Math.round(i.confidence * 100)}%)`), ' ', i.summary, ' ',
    el('a', { href: i.bundle, class: 'bundle', download: `${i.id}.tar.gz` }, 'bundle'), ' ',
    el('button', { class: 'act', type: 'button', onclick: () => incidentDetail(i.id, detail) }, 'evidence'), detail);
}

async function outagesPage() {
  const [o, all] = await Promise.all([getJson('/api/outages'), getJson('/api/incidents')]);
  main.append(section('Outages', o.outages.length === 0 ? el('p', { class: 'muted', id: 'outages' }, 'No outage recorded.') : table(['probe', 'start', 'end', 'cause', 'lead-up (10 min before)', 'during', 'incident: localized layer'],
    o.outages.map(x => ({ attrs: { class: 'outage' }, cells: [x.probe, x.start, x.end || 'ongoing', `${x.cause}: ${x.detail}`, kindsText(x.lead_up), kindsText(x.during),
      x.incidents.length === 0 ? el('span', { class: 'muted' }, 'no bundle') : el('div', {}, ...x.incidents.map(i => incidentCell({ ...i, bundle: i.bundle })))] })))));
  const onDemand = all.incidents.filter(i => i.outage === null);
  main.append(section('Captures on demand', onDemand.length === 0 ? el('p', { class: 'muted' }, 'None.') : table(['start', 'incident'],
    onDemand.map(i => ({ cells: [i.start, incidentCell({ ...i, bundle: `/api/incidents/${encodeURIComponent(i.id)}/bundle` })] })))));
}

// ---- actions, audit, fleet ----------------------------------------------------------------------------------------
async function actionsPage() {
  const a = await getJson('/api/actions');
  main.append(a.actions.length === 0 ? el('p', { class: 'muted', id: 'actions' }, 'No action taken yet.') : table(['time', 'by', 'action', 'target', 'outcome', 'reason'],
    a.actions.map(x => ({ attrs: { class: 'action' }, cells: [x.time, x.scenario ? `${x.by} (${x.scenario})` : x.by, x.action, x.target, x.outcome, x.reason] }))));
}

async function auditPage() {
  say('Auditing this host…');
  const a = await getJson('/api/audit');
  say('');
  const r = a.report;
  const hidePass = el('input', { type: 'checkbox', id: 'hide-pass' });
  hidePass.checked = true;
  const rows = el('div', { id: 'audit-results' });
  const render = () => {
    const shown = r.results.filter(x => !hidePass.checked || (x.status !== 'pass' && x.status !== 'skip'));
    rows.textContent = '';
    rows.append(shown.length === 0 ? el('p', { class: 'muted' }, 'Nothing to show.') : table(['status', 'severity', 'check', 'subject', 'observed', 'expected', 'fix'],
      shown.map(x => ({ attrs: { class: `audit-${x.status}` }, cells: [el('span', { class: x.status === 'fail' ? 'bad' : x.status === 'pass' ? 'up' : '' }, x.status), x.severity,
        el('span', { title: x.rationale }, `${x.title} (${x.id})`), x.subject || '', x.observed, x.expected,
        x.fix ? el('pre', { class: 'mono' }, [...x.fix.sysctl, ...x.fix.nic, x.fix.manual || ''].filter(Boolean).join('\n')) : ''] }))));
  };
  hidePass.addEventListener('change', render);
  main.append(el('p', { id: 'audit-score' }, `Score ${r.score}/100 on kernel ${r.kernel}, taken ${a.time}: `,
    Object.entries(r.counts).map(([k, n]) => `${n} ${k}`).join(', ')),
  el('label', {}, hidePass, ' show only what falls short'), rows,
  el('p', { class: 'muted' }, 'Read-only: to apply the sysctl fixes, run uncloak audit --fix on the server.'));
  render();
}

async function fleetPage() {
  const f = await getJson('/api/fleet');
  if (!f.configured) {
    main.append(el('p', { class: 'muted', id: 'fleet' }, 'Fleet not configured: this host shares no decisions with others (add a fleet: section, docs/fleet.md).'));
    return;
  }
  if (f.error) { say(f.error, true); }
  main.append(el('p', { class: 'muted' }, `Servers ${f.servers.join(', ')}; read ${f.read}.`),
    el('div', { id: 'fleet' }, f.hosts.length === 0 ? el('p', { class: 'muted' }, 'No host has reported yet.') : table(['host', 'state', 'last heartbeat', 'version', 'bans in force', 'by origin', 'applied', 'refused'],
      f.hosts.map(h => ({ attrs: { class: 'fleet-host' }, cells: [h.host, el('span', { class: h.state === 'up' ? 'up' : 'down' }, h.state), h.seen, h.version, h.bans_in_force,
        Object.entries(h.by_origin).map(([k, n]) => `${k} ${n}`).join(', ') || '—', h.applied, h.refused] })))));
}

switch (page) {
  case 'overview': {
    // The rates follow the live updates, at most every 10 s (each is one read of the per-minute counts).
    let ratesAt = 0;
    live(status => { renderOverview(status); if (Date.now() - ratesAt >= 10000) { ratesAt = Date.now(); refreshRates(); } });
    break;
  }
  case 'bans': bansPage(); break;
  case 'peers': peersPage(); break;
  case 'timeline': timelinePage(); break;
  case 'outages': outagesPage().catch(e => say(e.message, true)); break;
  case 'actions': actionsPage().catch(e => say(e.message, true)); break;
  case 'audit': auditPage().catch(e => say(e.message, true)); break;
  case 'fleet': fleetPage().catch(e => say(e.message, true)); break;
}
