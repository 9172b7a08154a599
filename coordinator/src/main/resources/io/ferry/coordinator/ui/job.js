// The job page: header and actions, numbers, throughput chart, tenant × table grid, failed units,
// rejected rows, limits, the job's spec and its verification report.
import { get, post, patch, jobPath } from './api.js';
import { esc, num, compact, mbps, duration, time, badge, bar, pct, safeUrl } from './format.js';
import { drawThroughput } from './chart.js';
import * as grid from './grid.js';

/** Control requests that apply in each job state (the API answers 409 to the others). */
const ACTIONS = {
  pending: ['pause', 'cancel'], running: ['pause', 'cancel'], paused: ['resume', 'cancel', 'rollback'],
  verifying: ['cancel'], failed: ['retry', 'verify', 'rollback', 'cancel'], succeeded: ['verify', 'rollback'],
  cancelled: ['rollback'],
};
const LABEL = { pause: 'Pause', resume: 'Resume', cancel: 'Cancel', retry: 'Retry failed units', verify: 'Verify again',
  repair: 'Repair', rollback: 'Roll back…' };
const CONFIRM = {
  pause: ['Pause the job?', 'Running units stop at their next chunk boundary; nothing is lost. Resume continues from the checkpoints.', 'Pause'],
  resume: ['Resume the job?', 'Units are handed out again, from their checkpoints.', 'Resume'],
  cancel: ['Cancel the job?', 'Running units stop and no more are handed out. <strong>A cancelled job cannot be resumed</strong>; what it copied stays in the target.', 'Cancel job'],
  retry: ['Retry the failed units?', 'Each failed unit goes back to the queue and the job runs again.', 'Retry'],
  verify: ['Verify the job again?', 'Every range is counted and checksummed on source and target again.', 'Verify'],
  repair: ['Repair the differences?', 'The ranges and keys verification found different are copied again, then verified.', 'Repair'],
};
const SCOPE_CONFIRM = {
  pause: ['Pause this part of the job?', 'Its running units stop at their next chunk boundary and none of its units is handed out; the rest of the job runs on.', 'Pause'],
  resume: ['Resume this part of the job?', 'Its units are handed out again, from their checkpoints.', 'Resume'],
  cancel: ['Cancel this part of the job?', 'None of its units is handed out again; the rest of the job runs on. <strong>It cannot be resumed</strong>, and the job will end cancelled, not succeeded.', 'Cancel it'],
};
const LIMITS = [['rowsPerSecond', 'Rows per second'], ['bytesPerSecond', 'Bytes per second'],
  ['maxUnits', 'Units at once'], ['maxUnitsPerSource', 'Units per source server']];

const SKELETON = `
<div class="page-head">
  <div><a href="#/jobs" class="crumb">Jobs</a><h1 id="j-name"></h1><div id="j-sub" class="muted"></div></div>
  <div id="j-actions" class="btns"></div>
</div>
<div id="j-banner"></div>
<section class="stats" id="j-stats"></section>
<div class="two">
  <section class="card"><h2>Throughput <span class="legend"><i class="k rows"></i>rows/s <i class="k mb"></i>MB/s</span></h2><div id="j-chart" class="chart-box"></div></section>
  <section class="card"><h2>Tables</h2><div id="j-tables" class="scroll"></div></section>
</div>
<section class="card" id="j-grid-card">
  <h2>Tenants × tables <span id="j-grid-count" class="muted"></span></h2>
  <div class="toolbar">
    <input id="g-text" type="search" placeholder="Filter tenants or tables" aria-label="filter">
    <select id="g-state" aria-label="state">
      <option value="all">All states</option><option value="active">Not done</option><option value="failed">Failed</option>
      <option value="copying">Copying</option><option value="paused">Paused</option><option value="stopped">Stopped</option><option value="done">Done</option>
    </select>
    <select id="g-sort" aria-label="sort">
      <option value="tenant">Sort: tenant</option><option value="progress">Sort: least progress</option>
      <option value="-progress">Sort: most progress</option><option value="-rows">Sort: most rows</option><option value="state">Sort: state</option>
    </select>
    <button class="ghost small" data-action="expand">Expand all</button><button class="ghost small" data-action="collapse">Collapse all</button>
    <span id="g-counts" class="muted"></span>
  </div>
  <div class="scroll tall"><table class="grid"><thead><tr><th></th><th>Tenant / table</th><th>State</th><th class="w-bar">Progress</th><th class="num">Rows</th><th class="num">Done</th><th></th></tr></thead>
  <tbody id="g-body"></tbody></table></div>
</section>
<section class="card" id="j-failed-card" hidden><h2>Failed units</h2><div id="j-failed"></div></section>
<section class="card" id="j-rejects-card" hidden><h2>Rejected rows <span class="muted">(ferry.rejects in the target)</span></h2><div id="j-rejects"></div></section>
<section class="card" id="j-report-card" hidden><h2>Verification report</h2><div id="j-report"></div></section>
<div class="two">
  <section class="card"><h2>Limits <span class="muted">(change them while it runs)</span></h2>
    <form id="j-limits" class="limits">${LIMITS.map(([k, l]) => `<label>${l}<input type="number" min="1" step="1" name="${k}" placeholder="none"></label>`).join('')}
      <div class="form-actions"><button type="submit" class="primary" id="j-limits-apply">Apply limits</button><span class="muted">empty = no limit</span></div>
    </form></section>
  <section class="card"><h2>Job</h2><div id="j-spec"></div></section>
</div>`;

export function mount(root, ctx, id) {
  root.innerHTML = SKELETON;
  const $ = sel => root.querySelector(sel);
  const view = { text: '', state: 'all', sort: 'tenant', open: new Set(), shown: grid.PAGE };
  let status = null;
  let statusKey = null;
  let chartTimer = null;
  let limitsDirty = false;

  const summary = () => ctx.store.jobs.get(id);

  async function loadStatus() {
    try {
      status = await get(jobPath(id));
      renderFailed();
      renderSpec();
      renderLimits();
      loadReport();
      loadRejects();
    } catch (e) {
      if (e.status === 404) root.innerHTML = `<div class="empty-state"><h1>No job ${esc(id)}</h1><a href="#/jobs">Back to the jobs</a></div>`;
      else ctx.toast(e);
    }
  }

  async function loadChart() {
    const s = summary();
    if (!s) return;
    const since = s.startedAt ? Date.parse(s.startedAt) : Date.parse(s.createdAt);
    const end = s.finishedAt ? Date.parse(s.finishedAt) : Date.now();
    const minutes = Math.max(1, Math.min(60, Math.ceil((Date.now() - since) / 60000)));
    try {
      const h = await get(jobPath(id, '/throughput?minutes=' + minutes));
      const points = h.points.filter(p => Date.parse(p.at) + 5000 >= since && Date.parse(p.at) <= end);
      drawThroughput($('#j-chart'), points);
    } catch (e) { /* the next tick tries again */ }
  }

  function renderHead(s) {
    $('#j-name').innerHTML = `${esc(s.name)} ${badge(s.state)}`;
    $('#j-sub').innerHTML = `<span class="mono">${esc(s.id)}</span> · phase ${esc(s.phase)}`
      + (status ? ` · mode ${esc(status.spec.mode)}` : '');
    const actions = [...(ACTIONS[s.state] || [])];
    if (s.verification.verdict === 'differences' && (s.state === 'failed' || s.state === 'succeeded')) actions.unshift('repair');
    const html = actions.map(a => `<button class="${a === 'cancel' ? 'danger-ghost' : a === 'rollback' ? 'ghost' : 'primary'}" data-action="${a}" id="act-${a}">${LABEL[a]}</button>`).join('');
    if ($('#j-actions').innerHTML !== html) $('#j-actions').innerHTML = html;
    const v = s.verification;
    let banner = '';
    if (s.state === 'succeeded' && v.verdict === 'clean') {
      banner = `<div class="banner ok" id="done-verified"><strong>✓ Done and verified.</strong> Every one of ${num(v.ranges)} ranges matched its source (count and checksum).</div>`;
    } else if (s.state === 'succeeded') {
      banner = `<div class="banner info"><strong>Done.</strong> Verification: ${esc(v.verdict)}.</div>`;
    } else if (s.state === 'failed') {
      banner = `<div class="banner bad"><strong>Failed.</strong> ${esc(s.error || (s.units.failed + ' unit(s) failed: see below'))}</div>`;
    } else if (s.state === 'cancelled') {
      banner = `<div class="banner muted-b"><strong>Cancelled.</strong> ${esc(s.error || '')}</div>`;
    } else if (s.state === 'paused') {
      banner = `<div class="banner warn-b"><strong>Paused.</strong> ${esc(s.error || 'No unit runs until it is resumed.')}</div>`;
    }
    $('#j-banner').innerHTML = banner;
  }

  function renderStats(s) {
    const u = s.units;
    $('#j-stats').innerHTML = `
      <div class="stat wide"><label>Rows</label><div class="big">${num(s.rows.done)} <small>/ ${num(s.rows.estimated)}</small></div>${bar(s.rows.done, s.rows.estimated, s.state)}
        <div class="muted">${pct(s.rows.done, s.rows.estimated).toFixed(1)}% · ${esc(compact(s.bytes.done))}B of ~${esc(compact(s.bytes.estimated))}B${s.rows.rejected ? ` · <span class="warn">${num(s.rows.rejected)} rejected</span>` : ''}</div></div>
      <div class="stat"><label>Now</label><div class="big" id="rate">${num(s.throughput.rowsPerSecond)} <small>rows/s</small></div><div class="muted">${mbps(s.throughput.bytesPerSecond)}</div></div>
      <div class="stat"><label>Average</label><div class="big">${num(s.throughput.averageRowsPerSecond)} <small>rows/s</small></div><div class="muted">${mbps(s.throughput.averageBytesPerSecond)}</div></div>
      <div class="stat"><label>ETA</label><div class="big">${s.etaSeconds == null ? '–' : duration(s.etaSeconds)}</div><div class="muted">started ${time(s.startedAt)}</div></div>
      <div class="stat"><label>Duration</label><div class="big">${duration(s.elapsedSeconds)}</div><div class="muted">${s.finishedAt ? 'finished ' + time(s.finishedAt) : 'created ' + time(s.createdAt)}</div></div>
      <div class="stat"><label>Units</label><div class="big">${num(u.done)} <small>/ ${num(u.total)}</small></div>
        <div class="muted">${u.leased} running · ${u.pending} pending${u.held ? ' · ' + u.held + ' held' : ''} · ${u.blocked} blocked${u.failed ? ` · <span class="bad-t">${u.failed} failed</span>` : ''}</div></div>`;
  }

  function renderTables(s) {
    $('#j-tables').innerHTML = `<table class="list"><thead><tr><th>Table</th><th>State</th><th class="w-bar">Progress</th><th class="num">Rows</th><th></th></tr></thead><tbody>
      ${s.tables.map(t => `<tr><td class="mono">${esc(t.table)}</td><td>${badge(t.state)}</td><td>${bar(t.rowsDone, t.rowsEstimated, t.state)}</td>
        <td class="num">${compact(t.rowsDone)} / ${compact(t.rowsEstimated)}</td>
        <td class="actions">${grid.scopeButtons(s.scopes, undefined, t.table, canScope())}${canRollback() ? `<button class="ghost small" data-action="rollback" data-table="${esc(t.table)}">Roll back</button>` : ''}</td></tr>`).join('')}
      </tbody></table>`;
  }

  const canRollback = () => (ACTIONS[summary()?.state] || []).includes('rollback');
  /** A tenant or table can be paused, resumed or cancelled while its job is not over. */
  const canScope = () => ['pending', 'running', 'paused', 'verifying'].includes(summary()?.state);

  function renderGrid() {
    const cells = [...ctx.store.cells.values()];
    const rows = grid.tenantRows(cells, view);
    const total = new Set(cells.map(c => c.tenant)).size;
    $('#j-grid-count').textContent = `(${rows.length === total ? total : rows.length + ' of ' + total} tenants)`;
    const counts = grid.stateCounts(rows);
    $('#g-counts').innerHTML = Object.entries(counts).map(([k, n]) => `${badge(k)} ${n}`).join(' ');
    $('#g-body').innerHTML = grid.render(rows, { open: view.open, shown: view.shown, canRollback: canRollback(),
      scopes: summary()?.scopes || [], canScope: canScope() });
  }

  function renderFailed() {
    const failed = status?.failedUnits || [];
    $('#j-failed-card').hidden = failed.length === 0;
    const open = new Set([...root.querySelectorAll('#j-failed details[open]')].map(d => d.dataset.unit));
    $('#j-failed').innerHTML = `<p class="muted">${failed.length} unit(s) failed. ${(ACTIONS[summary()?.state] || []).includes('retry')
      ? '<button class="primary small" data-action="retry">Retry failed units</button>' : ''}</p>`
      + failed.map(u => `<details class="failed" data-unit="${esc(u.id)}"${open.has(u.id) ? ' open' : ''}>
        <summary><span class="mono">${esc(u.id)}</span> <span class="muted">${esc(u.tenant || '')} ${esc(u.table || '')} ${esc(u.range || '')}</span>
        <span class="first-line">${esc(String(u.error || '').split('\n')[0].slice(0, 160))}</span></summary>
        <pre class="error">${esc(u.error || 'no error recorded')}</pre></details>`).join('');
  }

  async function loadRejects() {
    const s = summary();
    if (!s || !s.rows.rejected) { $('#j-rejects-card').hidden = true; return; }
    try {
      const r = await get(jobPath(id, '/rejects?limit=200'));
      $('#j-rejects-card').hidden = false;
      $('#j-rejects').innerHTML = `<p class="muted">${num(s.rows.rejected)} row(s) rejected; the first ${r.rejects.length} below.</p>
        <div class="scroll"><table class="list"><thead><tr><th>Tenant</th><th>Table</th><th>Key</th><th>Error</th><th>Row</th></tr></thead><tbody>
        ${r.rejects.map(x => `<tr><td>${esc(x.tenant)}</td><td class="mono">${esc(x.table)}</td><td class="mono">${esc(x.key.join(', '))}</td>
          <td>${esc(x.error)}${x.sqlState ? ` <span class="muted">(${esc(x.sqlState)})</span>` : ''}</td>
          <td><details><summary>payload</summary><pre>${esc(x.columns.join('\t'))}\n${esc(x.payload)}${x.payloadTruncated ? '\n…(truncated)' : ''}</pre></details></td></tr>`).join('')}
        </tbody></table></div>`;
    } catch (e) { $('#j-rejects').innerHTML = `<p class="bad-t">${esc(e.message)}: ${esc(e.details?.join('; '))}</p>`; $('#j-rejects-card').hidden = false; }
  }

  async function loadReport() {
    const s = summary();
    if (!s || s.verification.verdict === 'not verified') { $('#j-report-card').hidden = true; return; }
    try {
      const r = await get(jobPath(id, '/report'));
      const t = r.totals;
      $('#j-report-card').hidden = false;
      $('#j-report').innerHTML = `<p>${badge(r.verdict)} <span class="muted">${esc(r.scope)}${r.checks ? ' · ' + esc(r.checks) : ''}</span></p>
        <div class="kv"><span>Source rows</span><b>${num(t.sourceRows)}</b><span>Target rows</span><b>${num(t.targetRows)}</b>
        <span>Ranges verified</span><b>${num(t.rangesVerified)} / ${num(t.ranges)}</b><span>Mismatched</span><b>${num(t.rangesMismatched)}</b>
        <span>Differing keys</span><b>${num(t.differingKeys)}</b><span>Rejected / orphaned</span><b>${num(t.rejectedRows)} / ${num(t.orphanedRows)}</b></div>
        <div class="scroll"><table class="list"><thead><tr><th>Tenant</th><th>Table</th><th>Verdict</th><th class="num">Source</th><th class="num">Target</th><th class="num">Ranges</th><th>Differences</th></tr></thead><tbody>
        ${r.tables.map(x => `<tr><td>${esc(x.tenant)}</td><td class="mono">${esc(x.table)}</td><td>${badge(x.verdict)}</td>
          <td class="num">${num(x.sourceRows)}</td><td class="num">${num(x.targetRows)}</td><td class="num">${num(x.rangesVerified)} / ${num(x.ranges)}</td>
          <td>${x.differences.slice(0, 5).map(d => `${esc(d.kind)} <span class="mono">${esc(d.key.join(', '))}</span>${d.columns.length ? ' (' + esc(d.columns.join(', ')) + ')' : ''}`).join('<br>')}
          ${x.orphans.map(o => `<br>${num(o.rows)} orphaned by ${esc(o.foreignKey)}`).join('')}${x.differingKeys > 5 ? `<br><span class="muted">… ${num(x.differingKeys - 5)} more</span>` : ''}</td></tr>`).join('')}
        </tbody></table></div>`;
    } catch (e) { /* shown at the next change */ }
  }

  function renderLimits() {
    if (!status || limitsDirty) return;
    const limits = status.spec.limits || {};
    for (const [k] of LIMITS) {
      const input = $(`#j-limits [name=${k}]`);
      if (document.activeElement !== input) input.value = limits[k] ?? '';
    }
  }

  function renderSpec() {
    const sp = status.spec, s = summary();
    const tenants = sp.source.tenants || [];
    $('#j-spec').innerHTML = `<div class="kv">
      <span>Mode</span><b>${esc(sp.mode)}</b>
      <span>Verify</span><b>${esc(sp.verify || 'full')}</b>
      <span>On row error</span><b>${esc(sp.onRowError || 'fail')}</b>
      <span>Source</span><b>${esc(sp.source.engine)} · ${tenants.length} tenant(s)</b>
      <span>Target</span><b>${esc(sp.target.engine)} <span class="mono">${esc(safeUrl(sp.target.url))}</span>${sp.target.user ? ' as ' + esc(sp.target.user) : ''}${sp.target.schema ? ' · schema ' + esc(sp.target.schema) : ''}</b>
      <span>Tables</span><b class="mono">${esc((sp.tables?.include || []).join(', '))}${sp.tables?.exclude?.length ? ' except ' + esc(sp.tables.exclude.join(', ')) : ''}</b>
      <span>Created</span><b>${time(s?.createdAt)}</b><span>Started</span><b>${time(s?.startedAt)}</b>
      <span>Finished</span><b>${time(s?.finishedAt)}</b></div>
      <details><summary>${tenants.length} tenant(s)</summary><table class="list"><tbody>${tenants.map(t => `<tr><td>${esc(t.id)}</td><td class="mono">${esc(safeUrl(t.url))}</td><td>${esc(t.user || '')}</td></tr>`).join('')}</tbody></table></details>`;
  }

  async function act(action, selection) {
    if (action === 'rollback') return rollback(selection);
    if (action.startsWith('scope-')) return scoped(action.slice(6), selection);
    const [title, body, ok] = CONFIRM[action];
    if (!await ctx.confirm(title, `<p>${body}</p><p class="muted">Job <span class="mono">${esc(id)}</span></p>`, ok)) return;
    try {
      await post(jobPath(id, '/' + action));
      ctx.toast(LABEL[action].replace('…', '') + ': done', 'ok');
      loadStatus();
    } catch (e) { ctx.toast(e); }
  }

  /** Pauses, resumes or cancels one tenant, table or tenant's table, once confirmed. */
  async function scoped(action, sel) {
    const scope = [sel.tenant && `tenant <strong>${esc(sel.tenant)}</strong>`, sel.table && `table <span class="mono">${esc(sel.table)}</span>`]
      .filter(Boolean).join(', ');
    const [title, body, ok] = SCOPE_CONFIRM[action];
    if (!await ctx.confirm(title, `<p>${scope}</p><p>${body}</p><p class="muted">Job <span class="mono">${esc(id)}</span></p>`, ok)) return;
    try {
      await post(jobPath(id, '/' + action), { tenant: sel.tenant || undefined, table: sel.table || undefined });
      ctx.toast(`${LABEL[action]}: done`, 'ok');
      loadStatus();
    } catch (e) { ctx.toast(e); }
  }

  async function rollback(sel = {}) {
    const cells = [...ctx.store.cells.values()];
    const tenants = [...new Set(cells.map(c => c.tenant))].sort(grid.natural);
    const tables = [...new Set(cells.map(c => c.table))].sort(grid.natural);
    const body = `<p>Deletes the selected rows from the target and resets their checkpoints, so that they are copied again on
      resume. The job waits <strong>paused</strong> afterwards.</p>
      <div class="limits"><label>Tenant<select id="rb-tenant"><option value="">every tenant</option>${tenants.map(t => `<option${t === sel.tenant ? ' selected' : ''}>${esc(t)}</option>`).join('')}</select></label>
      <label>Table<select id="rb-table"><option value="">every table</option>${tables.map(t => `<option${t === sel.table ? ' selected' : ''}>${esc(t)}</option>`).join('')}</select></label></div>`;
    const chosen = await ctx.confirm('Roll back?', body, 'Roll back', dialog => ({
      tenant: dialog.querySelector('#rb-tenant').value || undefined, table: dialog.querySelector('#rb-table').value || undefined }));
    if (!chosen) return;
    try {
      const r = await post(jobPath(id, '/rollback'), chosen);
      ctx.toast(`${r.rollback.id} started: ${r.copyUnits.length} copy unit(s) to delete and reset`, 'ok');
    } catch (e) { ctx.toast(e); }
  }

  root.addEventListener('click', e => {
    const b = e.target.closest('[data-action]');
    if (!b) return;
    const a = b.dataset.action;
    if (a === 'toggle') { view.open.has(b.dataset.tenant) ? view.open.delete(b.dataset.tenant) : view.open.add(b.dataset.tenant); renderGrid(); }
    else if (a === 'expand') { grid.tenantRows([...ctx.store.cells.values()], view).slice(0, view.shown).forEach(r => view.open.add(r.tenant)); renderGrid(); }
    else if (a === 'collapse') { view.open.clear(); renderGrid(); }
    else if (a === 'more') { view.shown += grid.PAGE; renderGrid(); }
    else act(a, { tenant: b.dataset.tenant, table: b.dataset.table });
  });
  $('#g-text').addEventListener('input', e => { view.text = e.target.value; view.shown = grid.PAGE; renderGrid(); });
  $('#g-state').addEventListener('change', e => { view.state = e.target.value; renderGrid(); });
  $('#g-sort').addEventListener('change', e => { view.sort = e.target.value; renderGrid(); });
  $('#j-limits').addEventListener('input', () => { limitsDirty = true; });
  $('#j-limits').addEventListener('submit', async e => {
    e.preventDefault();
    const current = status?.spec.limits || {};
    const limits = {};
    for (const [k] of LIMITS) {
      const raw = e.target.elements[k].value.trim();
      const value = raw === '' ? null : Number(raw);
      if ((current[k] ?? null) !== value) limits[k] = value;
    }
    if (!Object.keys(limits).length) { ctx.toast('The limits are unchanged', 'ok'); return; }
    try {
      await patch(jobPath(id), { limits });
      limitsDirty = false;
      ctx.toast('Limits applied: workers use them within a second', 'ok');
      await loadStatus();
    } catch (err) { ctx.toast(err); }
  });

  let scopesKey = '[]';
  function update(kind) {
    const s = summary();
    if (!s) return;
    if (kind === 'progress') { renderGrid(); return; }
    if (kind !== 'job') return;
    renderHead(s);
    renderStats(s);
    renderTables(s);
    // A paused or cancelled tenant or table changes the grid's buttons, maybe before any cell's state.
    const scopes = JSON.stringify(s.scopes || []);
    if (scopes !== scopesKey) { scopesKey = scopes; renderGrid(); }
    // The full status (failed units' errors, spec, limits) and the report change with these only.
    const key = [s.state, s.phase, s.units.failed, s.verification.verdict, s.verification.verified, s.rows.rejected].join('|');
    if (key !== statusKey) {
      const stateChanged = statusKey && statusKey.split('|')[0] !== s.state;
      statusKey = key;
      loadStatus();
      if (stateChanged) { renderGrid(); loadChart(); }
    }
    if (!chartTimer) {
      loadChart();
      // The history has 5-second buckets: read again once per bucket while the job moves.
      chartTimer = setInterval(() => { if (['running', 'verifying', 'pending'].includes(summary()?.state)) loadChart(); }, 5000);
    }
  }

  update('job');
  renderGrid();
  // Straight away (the events bring the summary a moment later): an unknown job says so.
  if (!summary()) loadStatus();
  return { update, unmount: () => clearInterval(chartTimer) };
}
