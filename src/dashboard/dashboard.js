// SPDX-License-Identifier: GPL-2.0-only
// The class dashboard: polls /api/stats (same origin) every second and
// shows every student's counters, live rate and a sparkline of it. Each
// number is in a cell's data-value as the API gave it, for tests to read.
'use strict';

const HISTORY = 60;			// samples per sparkline
const history = new Map();		// addr -> [rate_pps, ...]
const fmt = new Intl.NumberFormat('en-US');
const $ = (id) => document.getElementById(id);

const COLUMNS = [
  ['packets', (r) => r.packets],
  ['answered', (r) => r.answered],
  ['rate_pps', (r) => r.rate_pps],
  ['spark', null],
  ['drop_rate_limited', (r) => r.drop_rate_limited],
  ['drop_do_not_scan', (r) => r.drop_do_not_scan],
  ['drop_spoofed', (r) => r.drop_spoofed],
];
const VIOLATIONS = ['drop_rate_limited', 'drop_do_not_scan', 'drop_spoofed'];

// The row of one scanner (student K: id student-K; the lab's own: row-ADDR),
// created once, updated in place.
function rowFor(addr, student) {
  const id = student ? 'student-' + student : 'row-' + addr;
  let tr = document.getElementById(id);
  if (tr)
    return tr;
  tr = document.createElement('tr');
  tr.id = id;
  tr.className = 'student';
  tr.dataset.student = String(student);
  const who = document.createElement('td');
  who.dataset.field = 'student';
  who.textContent = student ? String(student) : 'lab';
  if (!student)
    tr.classList.add('own');
  const a = document.createElement('td');
  a.className = 'addr';
  a.dataset.field = 'addr';
  tr.append(who, a);
  for (const [field] of COLUMNS) {
    const td = document.createElement('td');
    td.dataset.field = field;
    if (field === 'spark') {
      td.className = 'spark';
      const c = document.createElement('canvas');
      c.className = 'spark';
      c.width = 160;
      c.height = 28;
      td.append(c);
    } else {
      td.className = 'num';
    }
    tr.append(td);
  }
  return tr;
}

function drawSpark(canvas, points, max) {
  const ctx = canvas.getContext('2d');
  const w = canvas.width, h = canvas.height;
  ctx.clearRect(0, 0, w, h);
  ctx.strokeStyle = '#e2e6ea';
  ctx.beginPath();
  ctx.moveTo(0, h - 0.5);
  ctx.lineTo(w, h - 0.5);
  ctx.stroke();
  if (points.length < 2 || max <= 0)
    return;
  ctx.strokeStyle = '#1f6feb';
  ctx.fillStyle = 'rgba(31, 111, 235, 0.15)';
  ctx.lineWidth = 1.5;
  ctx.beginPath();
  const step = w / (HISTORY - 1);
  const x0 = w - (points.length - 1) * step;
  points.forEach((p, i) => {
    const x = x0 + i * step, y = h - 1 - (p / max) * (h - 3);
    if (i)
      ctx.lineTo(x, y);
    else
      ctx.moveTo(x, y);
  });
  ctx.stroke();
  ctx.lineTo(w, h);
  ctx.lineTo(x0, h);
  ctx.closePath();
  ctx.fill();
}

function render(s) {
  $('lab').textContent = s.lab;
  if (s.interval_ms)
    $('spark-head').textContent = 'last ' + Math.round(HISTORY * s.interval_ms / 1000) + ' s';
  const rows = Object.entries(s.sources).map(([addr, r]) => ({ addr, ...r, student: r.student || 0 }));
  // Seats lab up made, or students who joined later (the appliance's class).
  $('students-count').textContent = String(Math.max(s.students, ...rows.map((r) => r.student)));
  // Every student of the class, whether it sent anything yet or not.
  for (let k = 1; k <= s.students; k++) {
    if (!rows.some((r) => r.student === k))
      rows.push({ addr: null, student: k, packets: 0, answered: 0, rate_pps: 0,
                  drop_rate_limited: 0, drop_do_not_scan: 0, drop_spoofed: 0 });
  }
  rows.sort((a, b) => (a.student || 1e9) - (b.student || 1e9) ||
                      String(a.addr).localeCompare(String(b.addr)));
  let rate = 0, violators = 0;
  for (const r of rows) {
    if (!r.addr)
      continue;
    // The monitor keeps the last samples; without them, what this page saw.
    const h = r.rate_history ? r.rate_history.slice(-HISTORY) : (history.get(r.addr) || []);
    if (!r.rate_history) {
      h.push(r.rate_pps);
      if (h.length > HISTORY)
        h.shift();
    }
    history.set(r.addr, h);
    rate += r.rate_pps;
  }
  const body = $('rows');
  rows.forEach((r, i) => {
    const tr = rowFor(r.addr, r.student);
    if (body.children[i] !== tr)
      body.insertBefore(tr, body.children[i] || null);
    tr.dataset.addr = r.addr || '';
    tr.querySelector('td[data-field="addr"]').textContent = r.addr || '–';
    let bad = false;
    for (const [field, get] of COLUMNS) {
      const td = tr.querySelector(`td[data-field="${field}"]`);
      if (field === 'spark') {
        // Each row on its own scale: the shape of its scan; the peak in the tooltip.
        const h = history.get(r.addr) || [];
        const peak = Math.max(0, ...h);
        td.title = 'peak ' + fmt.format(Math.round(peak)) + ' pps';
        drawSpark(td.firstChild, h, peak);
        continue;
      }
      const v = get(r);
      td.dataset.value = String(v);
      td.textContent = field === 'rate_pps' ? fmt.format(Math.round(v)) : fmt.format(v);
      const violation = VIOLATIONS.includes(field) && v > 0;
      td.classList.toggle('bad', violation);
      bad = bad || violation;
    }
    tr.classList.toggle('violation', bad);
    if (bad && r.student)
      violators++;
  });
  while (body.children.length > rows.length)
    body.lastChild.remove();
  $('total-packets').dataset.value = String(s.responder.packets);
  $('total-packets').textContent = fmt.format(s.responder.packets);
  const answered = rows.reduce((t, r) => t + (r.addr ? r.answered : 0), 0);
  $('total-answered').dataset.value = String(answered);
  $('total-answered').textContent = fmt.format(answered);
  $('total-rate').dataset.value = String(rate);
  $('total-rate').textContent = fmt.format(Math.round(rate));
  $('violators').textContent = String(violators);
  const st = $('status');
  st.className = 'status';
  st.textContent = 'updated ' + new Date(s.time_ms).toLocaleTimeString();
  document.body.dataset.updated = String(s.time_ms);
}

async function poll() {
  try {
    const res = await fetch('api/stats', { cache: 'no-store' });
    if (!res.ok)
      throw new Error('HTTP ' + res.status);
    render(await res.json());
  } catch (e) {
    const st = $('status');
    st.className = 'status down';
    st.textContent = 'monitor unreachable (' + e.message + '): the lab may be down';
  }
}

poll();
setInterval(poll, 1000);
