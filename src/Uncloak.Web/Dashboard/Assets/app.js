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
      section('Events by kind', table(['kind', 'events', 'episodes', 'first', 'last'], h.kinds.map(k => ({ cells: [k.kind, k.events, k.episodes, k.first, k.last] })))),
      section('Decisions', table(['target', 'state', 'origin', 'scenario', 'reason', 'created', 'expires', 'revoked by', 'evidence'],
        h.decisions.map(d => ({ attrs: { class: 'decision', 'data-state': d.state }, cells: [d.target, d.state, d.origin, d.scenario || '—', d.reason, d.created, d.expires, d.revoked_by || '—',
          d.evidence ? el('pre', { class: 'mono' }, `${d.evidence.events} event(s) from ${d.evidence.first}\n${d.evidence.source || ''}\n${d.evidence.text || ''}`) : '—'] }))))));
  }
  f.addEventListener('submit', e => { e.preventDefault(); history.replaceState(null, '', `/peers?address=${encodeURIComponent(f.elements.address.value.trim())}`); show(); });
  show();
  // The page follows the daemon: a ban or unban shows without a reload.
  let total = -1;
  live(status => { if (status.bans_in_force && status.bans_in_force.total !== total) { total = status.bans_in_force.total; show(); } });
}

// ---- outages, actions, fleet --------------------------------------------------------------------------------------
async function outagesPage() {
  const o = await getJson('/api/outages');
  main.append(o.outages.length === 0 ? el('p', { class: 'muted', id: 'outages' }, 'No outage recorded.') : table(['probe', 'start', 'end', 'cause', 'detail'],
    o.outages.map(x => ({ cells: [x.probe, x.start, x.end || 'ongoing', x.cause, x.detail] }))));
  main.append(el('p', { class: 'muted' }, 'Incident bundles and the localized layer appear here once the incident store is part of this build.'));
}

async function actionsPage() {
  const a = await getJson('/api/actions');
  main.append(a.actions.length === 0 ? el('p', { class: 'muted', id: 'actions' }, 'No action taken yet.') : table(['time', 'by', 'action', 'target', 'outcome', 'reason'],
    a.actions.map(x => ({ attrs: { class: 'action' }, cells: [x.time, x.scenario ? `${x.by} (${x.scenario})` : x.by, x.action, x.target, x.outcome, x.reason] }))));
}

function fleetPage() {
  main.append(el('p', { class: 'muted', id: 'fleet' }, 'Fleet mode is not part of this build: this host shares no decisions with others. Nothing to show.'));
}

switch (page) {
  case 'overview': live(renderOverview); break;
  case 'bans': bansPage(); break;
  case 'peers': peersPage(); break;
  case 'outages': outagesPage().catch(e => say(e.message, true)); break;
  case 'actions': actionsPage().catch(e => say(e.message, true)); break;
  case 'fleet': fleetPage(); break;
}
