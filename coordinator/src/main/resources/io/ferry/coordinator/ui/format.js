// Formatting and escaping shared by the views: pure functions (tested in the browser test).

export const esc = s => String(s ?? '').replace(/[&<>"']/g,
  c => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }[c]));

export function num(n) {
  if (n == null || Number.isNaN(n)) return '–';
  return Math.round(n).toLocaleString('en-US');
}

/** 1234567 → "1.2M", for tight cells. */
export function compact(n) {
  if (n == null) return '–';
  const a = Math.abs(n);
  if (a >= 1e9) return (n / 1e9).toFixed(1) + 'B';
  if (a >= 1e6) return (n / 1e6).toFixed(1) + 'M';
  if (a >= 1e4) return (n / 1e3).toFixed(0) + 'k';
  if (a >= 1e3) return (n / 1e3).toFixed(1) + 'k';
  return String(Math.round(n));
}

export function bytes(n) {
  if (n == null) return '–';
  const units = ['B', 'KB', 'MB', 'GB', 'TB'];
  let i = 0;
  while (Math.abs(n) >= 1000 && i < units.length - 1) { n /= 1000; i++; }
  return (i === 0 ? Math.round(n) : n.toFixed(n < 10 ? 2 : 1)) + ' ' + units[i];
}

export const mbps = bytesPerSecond => bytesPerSecond == null ? '–' : (bytesPerSecond / 1e6).toFixed(2) + ' MB/s';

export function duration(seconds) {
  if (seconds == null || seconds < 0) return '–';
  seconds = Math.round(seconds);
  if (seconds < 60) return seconds + ' s';
  const h = Math.floor(seconds / 3600), m = Math.floor(seconds % 3600 / 60), s = seconds % 60;
  if (h > 0) return h + ' h ' + String(m).padStart(2, '0') + ' min';
  return m + ' min ' + String(s).padStart(2, '0') + ' s';
}

export function time(iso) {
  if (!iso) return '–';
  const d = new Date(iso);
  const today = new Date().toDateString() === d.toDateString();
  return today ? d.toLocaleTimeString() : d.toLocaleString();
}

export function ago(iso, now = Date.now()) {
  if (!iso) return '–';
  return duration(Math.max(0, (now - new Date(iso).getTime()) / 1000)) + ' ago';
}

export function pct(done, total) {
  if (!(total > 0)) return done > 0 ? 100 : 0;
  return Math.max(0, Math.min(100, 100 * done / total));
}

/** A JDBC URL without anything that could be a secret (a password=… parameter, user:pass@). */
export function safeUrl(url) {
  if (!url) return '';
  return String(url).replace(/([?&;])password=[^&;]*/gi, '$1password=***').replace(/\/\/[^/@]*:[^/@]*@/, '//***@');
}

export const badge = state => `<span class="badge s-${esc(String(state).replace(/\s+/g, '-'))}">${esc(state)}</span>`;

export function bar(done, total, state) {
  const p = pct(done, total);
  return `<div class="bar ${state ? 'b-' + esc(state) : ''}" role="progressbar" aria-valuenow="${p.toFixed(1)}" `
    + `aria-valuemin="0" aria-valuemax="100" data-pct="${p.toFixed(1)}"><div style="width:${p.toFixed(2)}%"></div></div>`;
}
