// The jobs list: newest first, each with its state, progress, rate and timing.
import { esc, num, compact, mbps, duration, time, badge, bar, pct } from './format.js';

export function mount(root, ctx) {
  root.innerHTML = `<div class="page-head"><div><h1>Jobs</h1><div class="muted" id="jobs-count"></div></div>
    <div class="btns"><a class="button primary" href="#/submit">Submit a job</a></div></div>
    <section class="card flush"><div class="scroll"><table class="list jobs"><thead><tr><th>Job</th><th>State</th><th class="w-bar">Progress</th>
    <th class="num">Rows</th><th class="num">Rows/s</th><th class="num">MB/s</th><th class="num">ETA</th><th>Started</th><th class="num">Duration</th></tr></thead>
    <tbody id="jobs-body"></tbody></table></div></section>`;
  const body = root.querySelector('#jobs-body');

  function update() {
    const jobs = [...ctx.store.jobs.values()].sort((a, b) => b.createdAt.localeCompare(a.createdAt));
    root.querySelector('#jobs-count').textContent = jobs.length + ' job(s)';
    body.innerHTML = jobs.length ? jobs.map(j => {
      const verified = j.state === 'succeeded' && j.verification.verdict === 'clean';
      return `<tr class="job-row" data-job="${esc(j.id)}">
        <td><a href="#/jobs/${encodeURIComponent(j.id)}"><strong>${esc(j.name)}</strong></a><div class="muted mono small">${esc(j.id)}</div></td>
        <td>${badge(j.state)}${verified ? ' <span class="verified" title="every range matched its source">✓ verified</span>' : ''}<div class="muted small">${esc(j.phase)}</div></td>
        <td>${bar(j.rows.done, j.rows.estimated, j.state)}<div class="muted small">${pct(j.rows.done, j.rows.estimated).toFixed(0)}% · ${j.units.done}/${j.units.total} units${j.units.failed ? ` · <span class="bad-t">${j.units.failed} failed</span>` : ''}</div></td>
        <td class="num">${compact(j.rows.done)} / ${compact(j.rows.estimated)}</td>
        <td class="num">${j.state === 'running' ? num(j.throughput.rowsPerSecond) : '–'}</td>
        <td class="num">${j.state === 'running' ? mbps(j.throughput.bytesPerSecond) : '–'}</td>
        <td class="num">${j.etaSeconds == null ? '–' : duration(j.etaSeconds)}</td>
        <td>${time(j.startedAt || j.createdAt)}</td>
        <td class="num">${duration(j.elapsedSeconds)}</td></tr>`;
    }).join('') : `<tr><td colspan="9" class="empty">No jobs yet. <a href="#/submit">Submit one</a>.</td></tr>`;
  }
  body.addEventListener('click', e => {
    const row = e.target.closest('tr[data-job]');
    if (row && !e.target.closest('a')) location.hash = '#/jobs/' + encodeURIComponent(row.dataset.job);
  });
  update();
  return { update: kind => { if (kind === 'job') update(); }, unmount() {} };
}
