// Submitting a job: a spec pasted as JSON or YAML (as POST /api/v1/jobs takes it), with a dry run that
// shows the plan and starts nothing.
import { post } from './api.js';
import { esc, num, bytes, duration } from './format.js';

const EXAMPLE = `name: districts
source:
  engine: postgresql
  tenants:
    - { id: district_1, url: "jdbc:postgresql://db1:5432/school", user: ferry, password: "\${env:DB1_PASSWORD}" }
target: { engine: postgresql, url: "jdbc:postgresql://target:5432/all", user: ferry, schema: app, tenantColumn: tenant_id }
tables: { include: ["public.*"] }
mode: create
limits: { rowsPerSecond: 50000 }`;

const isYaml = text => !text.trimStart().startsWith('{');

function renderPlan(p) {
  return `<div class="banner info"><strong>Plan of ${esc(p.name)}</strong> — nothing was started.</div>
    <div class="kv"><span>Mode</span><b>${esc(p.mode)} <span class="muted">${esc(p.modeDescription || '')}</span></b>
    <span>Verify</span><b>${esc(p.verify)}</b><span>Tables</span><b>${num(p.totals.tables)}</b><span>Units</span><b>${num(p.totals.units)}</b>
    <span>Estimated rows</span><b>${num(p.totals.estimatedRows)} (${bytes(p.totals.estimatedBytes)})</b>
    <span>Estimated copy</span><b>${p.estimatedDurationSeconds == null ? '–' : duration(p.estimatedDurationSeconds)}</b></div>
    <div class="scroll"><table class="list plan"><thead><tr><th>Table</th><th class="num">Tenants</th><th>Key</th><th>Split</th>
    <th class="num">~Rows</th><th class="num">Units</th><th>Copy</th><th>Warnings</th></tr></thead><tbody>
    ${p.tables.map(t => `<tr><td class="mono">${esc(t.table)}</td><td class="num">${t.tenants.length}</td><td class="mono">${esc((t.key || []).join(', '))}</td>
      <td>${esc(t.splitMethod)}</td><td class="num">${num(t.estimatedRows)}</td><td class="num">${num(t.units)}</td><td>${esc(t.copyFormat)}</td>
      <td>${(t.warnings || []).map(w => `<div class="warn">${esc(w)}</div>`).join('')}
      <details><summary>DDL</summary><pre>${esc([...(t.ddl || []), ...(t.finish || []), ...(t.foreignKeys || [])].join(';\n'))}</pre></details></td></tr>`).join('')}
    </tbody></table></div>`;
}

export function mount(root, ctx) {
  root.innerHTML = `<div class="page-head"><div><h1>Submit a job</h1><div class="muted">Paste a job spec, JSON or YAML, as
    <span class="mono">POST /api/v1/jobs</span> takes it (docs/job-spec.md). Use <span class="mono">\${env:NAME}</span> or
    <span class="mono">\${file:/path}</span> for passwords: a literal one is not kept across a coordinator restart.</div></div></div>
    <section class="card"><form id="submit-form">
      <textarea id="spec" spellcheck="false" rows="16" placeholder="${esc(EXAMPLE)}" aria-label="job spec"></textarea>
      <div class="form-actions"><button type="button" class="ghost" id="dry-run">Dry run (show the plan)</button>
      <button type="submit" class="primary" id="submit">Submit job</button><span class="muted" id="spec-format"></span></div>
    </form></section><section id="submit-result"></section>`;
  const spec = root.querySelector('#spec'), out = root.querySelector('#submit-result');
  spec.addEventListener('input', () => {
    root.querySelector('#spec-format').textContent = spec.value.trim() ? (isYaml(spec.value) ? 'read as YAML' : 'read as JSON') : '';
  });

  async function send(dryRun) {
    const text = spec.value;
    if (!text.trim()) { spec.focus(); return; }
    out.innerHTML = '<p class="muted">' + (dryRun ? 'Planning: the workers survey every table…' : 'Submitting: preflight on a worker…') + '</p>';
    try {
      const r = await post('/api/v1/jobs' + (dryRun ? '?dryRun=true' : ''), text, isYaml(text) ? 'application/yaml' : 'application/json');
      if (dryRun) { out.innerHTML = `<section class="card" id="plan">${renderPlan(r)}</section>`; return; }
      ctx.toast('Job ' + r.id + ' submitted', 'ok');
      location.hash = '#/jobs/' + encodeURIComponent(r.id);
    } catch (e) {
      out.innerHTML = `<section class="card"><div class="banner bad" id="submit-error"><strong>${esc(e.message)}</strong>
        <ul>${e.details.map(d => `<li>${esc(d)}</li>`).join('')}</ul></div></section>`;
    }
  }
  root.querySelector('#dry-run').addEventListener('click', () => send(true));
  root.querySelector('#submit-form').addEventListener('submit', e => { e.preventDefault(); send(false); });
  return { update() {}, unmount() {} };
}
