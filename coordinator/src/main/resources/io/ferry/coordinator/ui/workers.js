// The workers: host, uptime, units running and held, rates, last heartbeat; a silent one is stalled.
import { esc, num, mbps, duration, ago, badge } from './format.js';

export function mount(root, ctx) {
  root.innerHTML = `<div class="page-head"><div><h1>Workers</h1><div class="muted" id="workers-count"></div></div></div>
    <section class="card flush"><div class="scroll"><table class="list workers"><thead><tr><th>Worker</th><th>Host</th><th>State</th>
    <th class="num">Uptime</th><th class="num">Running</th><th class="num">Held</th><th class="num">Rows/s</th><th class="num">MB/s</th>
    <th class="num">Rows total</th><th>Last heartbeat</th></tr></thead><tbody id="workers-body"></tbody></table></div></section>
    <p class="muted">A worker with no heartbeat for more than 6 s is <em>stalled</em> (frozen, paused or cut off): it shows no rate.
    Its units go back to the queue when its lease times out or it leaves the cluster.</p>`;
  const body = root.querySelector('#workers-body');

  function update() {
    const workers = ctx.store.workers;
    const now = Date.now();
    root.querySelector('#workers-count').textContent = workers.length + ' worker(s), '
      + workers.reduce((s, w) => s + w.maxUnits, 0) + ' unit slots';
    body.innerHTML = workers.length ? workers.map(w => {
      const running = w.activeUnits.length - w.heldUnits.length;
      return `<tr class="worker-row ${w.state === 'stalled' ? 'stalled' : ''}" data-worker="${esc(w.id)}">
        <td class="mono" title="${esc(w.id)}">${esc(w.id.slice(0, 8))}</td><td>${esc(w.host)} <span class="muted">pid ${esc(w.pid)}</span></td>
        <td>${badge(w.state)}</td>
        <td class="num">${w.startedAt ? duration((now - Date.parse(w.startedAt)) / 1000) : '–'}</td>
        <td class="num" title="${esc(w.activeUnits.join('\n'))}">${running} / ${w.maxUnits}</td>
        <td class="num">${w.heldUnits.length}</td>
        <td class="num rate">${w.state === 'stalled' ? '<span class="bad-t">stalled</span>' : num(w.rowsPerSecond)}</td>
        <td class="num">${w.state === 'stalled' ? '–' : mbps(w.bytesPerSecond)}</td>
        <td class="num">${num(w.rowsTotal)}</td>
        <td>${ago(w.lastSeen, now)}</td></tr>`;
    }).join('') : '<tr><td colspan="10" class="empty">No worker connected: start one with <code>ferry worker</code>.</td></tr>';
  }
  update();
  return { update: kind => { if (kind === 'workers') update(); }, unmount() {} };
}
