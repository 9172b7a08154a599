// The throughput chart: rows/s (left axis) and MB/s (right axis) over time, drawn as SVG.
import { compact } from './format.js';

const NS = 'http://www.w3.org/2000/svg';

/** A "nice" axis maximum at or above v (1, 2, 5 × 10^n). */
export function niceMax(v) {
  if (!(v > 0)) return 1;
  const p = Math.pow(10, Math.floor(Math.log10(v)));
  for (const m of [1, 2, 2.5, 5, 10]) if (m * p >= v) return m * p;
  return 10 * p;
}

function el(name, attrs, text) {
  const e = document.createElementNS(NS, name);
  for (const [k, v] of Object.entries(attrs || {})) e.setAttribute(k, v);
  if (text != null) e.textContent = text;
  return e;
}

/** The SVG path of points (x, y) as a line. */
function line(points) {
  return points.map((p, i) => (i ? 'L' : 'M') + p[0].toFixed(1) + ' ' + p[1].toFixed(1)).join(' ');
}

/**
 * Draws points ({at, rowsPerSecond, bytesPerSecond}) into container, replacing what it held. A single
 * bucket is drawn as a short flat segment so that a job's first seconds show.
 */
export function drawThroughput(container, points) {
  const width = Math.max(320, container.clientWidth || 640), height = 220;
  const m = { left: 56, right: 64, top: 14, bottom: 26 };
  const w = width - m.left - m.right, h = height - m.top - m.bottom;
  const svg = el('svg', { viewBox: `0 0 ${width} ${height}`, width: '100%', height, class: 'chart', role: 'img',
    'aria-label': 'throughput over time', 'data-points': String(points.length) });
  const peak = Math.max(0, ...points.map(p => p.rowsPerSecond));
  svg.dataset.peak = String(peak);
  // At least 4 so that the four grid lines' labels are whole, distinct rows/s.
  const rowsMax = Math.max(4, niceMax(peak));
  const mbMax = niceMax(Math.max(0, ...points.map(p => p.bytesPerSecond / 1e6)));
  const t0 = points.length ? Date.parse(points[0].at) : 0;
  const t1 = points.length ? Date.parse(points[points.length - 1].at) + 5000 : 1;
  const x = t => m.left + (t - t0) / Math.max(1, t1 - t0) * w;
  for (let i = 0; i <= 4; i++) {
    const y = m.top + h - i * h / 4;
    svg.append(el('line', { x1: m.left, x2: m.left + w, y1: y, y2: y, class: 'grid' }));
    svg.append(el('text', { x: m.left - 8, y: y + 4, 'text-anchor': 'end', class: 'axis rows' }, compact(rowsMax * i / 4)));
    svg.append(el('text', { x: m.left + w + 8, y: y + 4, class: 'axis mb' }, String(+(mbMax * i / 4).toFixed(mbMax < 4 ? 2 : 0))));
  }
  svg.append(el('text', { x: m.left, y: 10, class: 'axis rows' }, 'rows/s'));
  svg.append(el('text', { x: m.left + w, y: 10, 'text-anchor': 'end', class: 'axis mb' }, 'MB/s'));
  if (points.length) {
    const ticks = Math.min(6, points.length);
    for (let i = 0; i <= ticks; i++) {
      const t = t0 + (t1 - t0) * i / ticks;
      svg.append(el('text', { x: x(t), y: height - 6, 'text-anchor': i === 0 ? 'start' : i === ticks ? 'end' : 'middle', class: 'axis' },
        new Date(t).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit', second: '2-digit' })));
    }
    const series = (value, max) => {
      const pts = [];
      for (const p of points) {
        const start = Date.parse(p.at), y = m.top + h - value(p) / max * h;
        pts.push([x(start), y], [x(start + 5000), y]);
      }
      return pts;
    };
    const rows = series(p => p.rowsPerSecond, rowsMax);
    const area = line(rows) + ` L${rows[rows.length - 1][0].toFixed(1)} ${m.top + h} L${rows[0][0].toFixed(1)} ${m.top + h} Z`;
    svg.append(el('path', { d: area, class: 'area rows' }));
    svg.append(el('path', { d: line(rows), class: 'line rows' }));
    svg.append(el('path', { d: line(series(p => p.bytesPerSecond / 1e6, mbMax)), class: 'line mb' }));
  } else {
    svg.append(el('text', { x: m.left + w / 2, y: m.top + h / 2, 'text-anchor': 'middle', class: 'empty' }, 'no throughput yet'));
  }
  container.replaceChildren(svg);
}
