// The tenant × table grid: cells grouped by tenant, filtered, sorted and paged so that hundreds of
// tenants stay readable. The model functions are pure (tested in the browser test); render() draws it.
import { esc, bar, badge, compact, num, pct } from './format.js';

/** How far along each table state is: a tenant shows its least advanced table's state. */
const ORDER = ['failed', 'cancelled', 'stopped', 'paused', 'preparing', 'copying', 'finishing', 'verifying', 'done'];
export const PAGE = 100;

/** Natural order: "t2" before "t10". */
export const natural = (a, b) => a.localeCompare(b, undefined, { numeric: true, sensitivity: 'base' });

function tenantState(cells) {
  let best = ORDER.length - 1;
  // A state this page does not know yet counts as the least advanced but failed.
  for (const c of cells) best = Math.min(best, ORDER.includes(c.state) ? ORDER.indexOf(c.state) : 1);
  return ORDER[best];
}

/**
 * Tenants ({tenant, cells, rowsDone, rowsEstimated, state, tablesDone}) from cells, after the filter
 * (text in the tenant's or the table's name; state: all, active = not done, or one state) and the sort
 * (tenant, progress, -progress, -rows, state).
 */
export function tenantRows(cells, { text = '', state = 'all', sort = 'tenant' } = {}) {
  const needle = text.trim().toLowerCase();
  const byTenant = new Map();
  for (const c of cells) {
    if (state === 'active' ? c.state === 'done' : state !== 'all' && c.state !== state) continue;
    if (needle && !c.tenant.toLowerCase().includes(needle) && !c.table.toLowerCase().includes(needle)) continue;
    if (!byTenant.has(c.tenant)) byTenant.set(c.tenant, []);
    byTenant.get(c.tenant).push(c);
  }
  const rows = [...byTenant].map(([tenant, list]) => {
    list.sort((a, b) => natural(a.table, b.table));
    const rowsDone = list.reduce((s, c) => s + c.rowsDone, 0);
    const rowsEstimated = list.reduce((s, c) => s + c.rowsEstimated, 0);
    return { tenant, cells: list, rowsDone, rowsEstimated, rowsRejected: list.reduce((s, c) => s + c.rowsRejected, 0),
      state: tenantState(list), tablesDone: list.filter(c => c.state === 'done').length };
  });
  const progress = r => pct(r.rowsDone, r.rowsEstimated);
  const compare = {
    tenant: (a, b) => natural(a.tenant, b.tenant),
    progress: (a, b) => progress(a) - progress(b) || natural(a.tenant, b.tenant),
    '-progress': (a, b) => progress(b) - progress(a) || natural(a.tenant, b.tenant),
    '-rows': (a, b) => b.rowsEstimated - a.rowsEstimated || natural(a.tenant, b.tenant),
    state: (a, b) => ORDER.indexOf(a.state) - ORDER.indexOf(b.state) || natural(a.tenant, b.tenant),
  }[sort] || ((a, b) => natural(a.tenant, b.tenant));
  return rows.sort(compare);
}

/** Counts of tenants by state, for the grid's header. */
export function stateCounts(rows) {
  const counts = {};
  for (const r of rows) counts[r.state] = (counts[r.state] || 0) + 1;
  return counts;
}

/** The paused or cancelled scope of exactly this tenant and/or table ({tenant, table, state}), if any. */
export function scopeOf(scopes, tenant, table) {
  return (scopes || []).find(h => (h.tenant ?? undefined) === (tenant ?? undefined) && (h.table ?? undefined) === (table ?? undefined));
}

/**
 * Pause/resume/cancel buttons of a tenant, a table or a tenant's table while the job is not over:
 * a paused scope offers resume, a cancelled one nothing more.
 */
export function scopeButtons(scopes, tenant, table, canScope) {
  if (!canScope) return '';
  const scope = scopeOf(scopes, tenant, table);
  if (scope?.state === 'cancelled') return '';
  const data = `${tenant ? ` data-tenant="${esc(tenant)}"` : ''}${table ? ` data-table="${esc(table)}"` : ''}`;
  const first = scope?.state === 'paused'
    ? `<button class="ghost small" data-action="scope-resume"${data}>Resume</button>`
    : `<button class="ghost small" data-action="scope-pause"${data}>Pause</button>`;
  return `${first}<button class="danger-ghost small" data-action="scope-cancel"${data}>Cancel</button>`;
}

function cellRow(c, canRollback, scopes, canScope) {
  return `<tr class="cell-row" data-tenant="${esc(c.tenant)}" data-table="${esc(c.table)}">
    <td></td><td class="mono">${esc(c.table)}</td><td>${badge(c.state)}</td>
    <td>${bar(c.rowsDone, c.rowsEstimated, c.state)}</td>
    <td class="num">${num(c.rowsDone)} / ${num(c.rowsEstimated)}${c.rowsRejected ? ` <span class="warn">+${num(c.rowsRejected)} rejected</span>` : ''}</td>
    <td class="num">${c.unitsDone} / ${c.unitsTotal}</td>
    <td class="actions">${scopeButtons(scopes, c.tenant, c.table, canScope)}${canRollback ? `<button class="ghost small" data-action="rollback" data-tenant="${esc(c.tenant)}" data-table="${esc(c.table)}">Roll back</button>` : ''}</td>
  </tr>`;
}

/** The grid's body: one row per tenant (open ones followed by their tables), at most `shown` tenants. */
export function render(rows, { open, shown, canRollback, scopes = [], canScope = false }) {
  if (!rows.length) return '<tr><td colspan="7" class="muted empty">no tenant matches</td></tr>';
  return rows.slice(0, shown).map(r => {
    const isOpen = open.has(r.tenant);
    const strip = r.cells.map(c => `<i class="dot d-${esc(c.state)}" title="${esc(c.table)}: ${esc(c.state)}"></i>`).join('');
    return `<tr class="tenant-row${isOpen ? ' open' : ''}" data-tenant="${esc(r.tenant)}">
      <td><button class="twisty" data-action="toggle" data-tenant="${esc(r.tenant)}" aria-expanded="${isOpen}" title="show its tables">${isOpen ? '▾' : '▸'}</button></td>
      <td><strong>${esc(r.tenant)}</strong> <span class="strip">${strip}</span></td>
      <td>${badge(r.state)}</td>
      <td>${bar(r.rowsDone, r.rowsEstimated, r.state)}</td>
      <td class="num">${compact(r.rowsDone)} / ${compact(r.rowsEstimated)}${r.rowsRejected ? ` <span class="warn">+${compact(r.rowsRejected)}</span>` : ''}</td>
      <td class="num">${r.tablesDone} / ${r.cells.length} tables</td>
      <td class="actions">${scopeButtons(scopes, r.tenant, undefined, canScope)}${canRollback ? `<button class="ghost small" data-action="rollback" data-tenant="${esc(r.tenant)}">Roll back tenant</button>` : ''}</td>
    </tr>${isOpen ? r.cells.map(c => cellRow(c, canRollback, scopes, canScope)).join('') : ''}`;
  }).join('') + (rows.length > shown
    ? `<tr><td colspan="7" class="more"><button class="ghost" data-action="more">Show ${Math.min(PAGE, rows.length - shown)} more of ${rows.length - shown} tenants</button></td></tr>` : '');
}
