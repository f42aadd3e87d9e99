// Line charts of the last few minutes, drawn as SVG.

import { el, svg } from './dom.js';

/** How far back the charts reach. */
export const WINDOW_MS = 10 * 60 * 1000;

/**
 * A round top for the y axis, at least {@code v}: the smallest of 1, 2, 2.5, 5 × a power of ten, or for bytes (base
 * 1024) × a power of 1024 first, so that the axis reads 2 KiB/s rather than 2.05 KB/s.
 */
function roundUp(v, base) {
  if (!(v > 0)) return 1;
  const unit = base === 1024 ? 1024 ** Math.max(0, Math.floor(Math.log(v) / Math.log(1024))) : 1;
  const scaled = v / unit;
  const power = 10 ** Math.floor(Math.log10(scaled));
  return unit * [1, 2, 2.5, 5, 10].map(m => m * power).find(m => m >= scaled);
}

/** A line chart of the last WINDOW_MS in {@code figure}: series of [time, value] points, y from 0. */
export function drawChart(figure, series, format, base) {
  const W = 480;
  const H = 150;
  const left = 62;
  const right = 8;
  const top = 8;
  const bottom = 20;
  const now = Date.now();
  const start = now - WINDOW_MS;
  const values = series.flatMap(s => s.points.map(p => p[1]));
  const max = roundUp(Math.max(0, ...values), base);
  const x = t => left + ((t - start) / WINDOW_MS) * (W - left - right);
  const y = v => top + (1 - v / max) * (H - top - bottom);
  const caption = figure.querySelector('figcaption').textContent;
  const latest = series.map(s => (s.points.length ? `${s.name} ${format(s.points[s.points.length - 1][1])}` : null))
    .filter(Boolean);
  const chart = svg('svg', { viewBox: `0 0 ${W} ${H}`, role: 'img',
    'aria-label': `${caption}, last 10 minutes: ${latest.length ? latest.join(', ') : 'no data yet'}` });
  for (const [v, cls] of [[max, 'grid'], [max / 2, 'grid'], [0, 'axis']]) {
    chart.append(svg('line', { x1: left, x2: W - right, y1: y(v), y2: y(v), class: cls }),
      svg('text', { x: left - 6, y: y(v) + 4, 'text-anchor': 'end', class: 'tick' }, format(v)));
  }
  for (const [t, label, anchor] of [[start, '−10 min', 'start'], [now - WINDOW_MS / 2, '−5 min', 'middle'],
    [now, 'now', 'end']]) {
    chart.append(svg('text', { x: x(t), y: H - 4, 'text-anchor': anchor, class: 'tick' }, label));
  }
  series.forEach((s, i) => {
    if (s.points.length) {
      chart.append(svg('polyline', { class: `line s${i + 1}`,
        points: s.points.map(([t, v]) => `${x(t).toFixed(1)},${y(v).toFixed(1)}`).join(' ') }));
      // The newest point as a dot: the first one of a new page is a line of one point, which draws nothing.
      const [t, v] = s.points[s.points.length - 1];
      chart.append(svg('circle', { class: `dot s${i + 1}`, cx: x(t).toFixed(1), cy: y(v).toFixed(1), r: 3 }));
    }
  });
  if (!values.length) {
    chart.append(svg('text', { x: (left + W) / 2, y: H / 2, 'text-anchor': 'middle', class: 'tick' },
      'collecting…'));
  }
  const legend = el('ul', { class: 'legend' }, series.map((s, i) => el('li', {},
    el('span', { class: `swatch s${i + 1}`, 'aria-hidden': 'true' }),
    `${s.name}: ${s.points.length ? format(s.points[s.points.length - 1][1]) : '…'}`)));
  figure.replaceChildren(figure.querySelector('figcaption'), chart, legend);
}
