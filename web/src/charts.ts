// Hand-drawn canvas charts: line series (signals, training curves), scatter (feature explorer), bars.
import { h } from './ui';

export interface Series {
  name: string;
  color: string;
  x: number[];
  y: (number | null)[];
  dashed?: boolean;
  band?: boolean;  // y holds (min, max) pairs per x: drawn as one filled band (cheap for dense signals)
}

const PAD = { l: 48, r: 12, t: 12, b: 28 };

function setup(canvas: HTMLCanvasElement, width: number, height: number) {
  const dpr = window.devicePixelRatio || 1;
  canvas.width = Math.round(width * dpr);
  canvas.height = Math.round(height * dpr);
  canvas.style.width = `${width}px`;
  canvas.style.height = `${height}px`;
  const ctx = canvas.getContext('2d')!;
  ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
  ctx.font = '11px system-ui, sans-serif';
  return ctx;
}

function niceTicks(lo: number, hi: number, n = 5): number[] {
  if (!(hi > lo)) return [lo];
  const raw = (hi - lo) / n;
  const mag = Math.pow(10, Math.floor(Math.log10(raw)));
  const step = [1, 2, 5, 10].map((m) => m * mag).find((s) => s >= raw) ?? raw;
  const out: number[] = [];
  for (let v = Math.ceil(lo / step) * step; v <= hi + step * 1e-9; v += step) out.push(Math.abs(v) < step * 1e-9 ? 0 : v);
  return out;
}

function fmtTick(v: number): string {
  const a = Math.abs(v);
  if (a !== 0 && (a >= 1e4 || a < 1e-2)) return v.toExponential(0);
  return String(Math.round(v * 1000) / 1000);
}

function extent(values: number[]): [number, number] {
  let lo = Infinity, hi = -Infinity;
  for (const v of values) if (isFinite(v)) { lo = Math.min(lo, v); hi = Math.max(hi, v); }
  if (!isFinite(lo)) return [0, 1];
  if (lo === hi) return [lo - 1, hi + 1];
  const m = (hi - lo) * 0.05;
  return [lo - m, hi + m];
}

interface Frame { x0: number; x1: number; y0: number; y1: number; w: number; hgt: number }
const sx = (f: Frame, x: number) => PAD.l + ((x - f.x0) / (f.x1 - f.x0)) * (f.w - PAD.l - PAD.r);
const sy = (f: Frame, y: number) => f.hgt - PAD.b - ((y - f.y0) / (f.y1 - f.y0)) * (f.hgt - PAD.t - PAD.b);

function axes(ctx: CanvasRenderingContext2D, f: Frame, xlabel: string, integerX = false) {
  ctx.strokeStyle = '#e5e7eb';
  ctx.fillStyle = '#6b7280';
  ctx.lineWidth = 1;
  ctx.textAlign = 'right';
  ctx.textBaseline = 'middle';
  for (const t of niceTicks(f.y0, f.y1)) {
    const y = Math.round(sy(f, t)) + 0.5;
    ctx.beginPath(); ctx.moveTo(PAD.l, y); ctx.lineTo(f.w - PAD.r, y); ctx.stroke();
    ctx.fillText(fmtTick(t), PAD.l - 6, y);
  }
  ctx.textAlign = 'center';
  ctx.textBaseline = 'top';
  for (const t of niceTicks(f.x0, f.x1, 8).filter((v) => !integerX || Number.isInteger(v))) {
    const x = Math.round(sx(f, t)) + 0.5;
    ctx.beginPath(); ctx.moveTo(x, PAD.t); ctx.lineTo(x, f.hgt - PAD.b); ctx.stroke();
    ctx.fillText(fmtTick(t), x, f.hgt - PAD.b + 4);
  }
  if (xlabel) { ctx.textAlign = 'right'; ctx.fillText(xlabel, f.w - PAD.r, f.hgt - 12); }
}

// Line chart of several series sharing the axes; a legend underneath.
export function lineChart(series: Series[], opts: { width?: number; height?: number; xlabel?: string; ymin?: number; ymax?: number } = {}): HTMLElement {
  const width = opts.width ?? 760, height = opts.height ?? 240;
  const canvas = h('canvas', { class: 'chart' });
  const ctx = setup(canvas, width, height);
  const xs = series.flatMap((s) => s.x);
  const ys = series.flatMap((s) => s.y.filter((v): v is number => v !== null));
  let [x0, x1] = xs.length ? [Math.min(...xs), Math.max(...xs)] : [0, 1];
  if (x0 === x1) x1 = x0 + 1;
  let [y0, y1] = extent(ys);
  if (opts.ymin !== undefined) y0 = opts.ymin;
  if (opts.ymax !== undefined) y1 = opts.ymax;
  const f: Frame = { x0, x1, y0, y1, w: width, hgt: height };
  axes(ctx, f, opts.xlabel ?? '', opts.xlabel === 'epoch');
  for (const s of series) {
    if (s.band) {
      // Upper edge forward, lower edge back: one polygon instead of a zigzag of thousands of strokes.
      ctx.fillStyle = s.color;
      ctx.globalAlpha = 0.7;
      ctx.beginPath();
      for (let i = 1; i < s.x.length; i += 2) { const px = sx(f, s.x[i]), py = sy(f, s.y[i] ?? 0); if (i === 1) ctx.moveTo(px, py); else ctx.lineTo(px, py); }
      for (let i = s.x.length - 2; i >= 0; i -= 2) ctx.lineTo(sx(f, s.x[i]), sy(f, s.y[i] ?? 0) + 0.5);
      ctx.closePath();
      ctx.fill();
      ctx.globalAlpha = 1;
      continue;
    }
    ctx.strokeStyle = s.color;
    ctx.lineWidth = 1.5;
    ctx.setLineDash(s.dashed ? [5, 4] : []);
    ctx.beginPath();
    let pen = false;
    for (let i = 0; i < s.x.length; ++i) {
      const v = s.y[i];
      if (v === null || !isFinite(v)) { pen = false; continue; }
      const px = sx(f, s.x[i]), py = sy(f, v);
      if (pen) ctx.lineTo(px, py); else ctx.moveTo(px, py);
      pen = true;
    }
    ctx.stroke();
  }
  ctx.setLineDash([]);
  const legend = h('div', { class: 'legend' }, series.map((s) => h('span', {}, h('i', { style: { background: s.color } }), s.name)));
  return h('div', { class: 'chart-box' }, canvas, legend);
}

export interface Point { x: number; y: number; color: string; label: string; data: any }

// Scatter plot with hover (tooltip from `describe`) and click.
// `extent` adds positions the axes must include; `overlay` draws over the points (e.g. cluster centres).
export type Overlay = (ctx: CanvasRenderingContext2D, px: (x: number) => number, py: (y: number) => number) => void;
// Selecting points by dragging on the scatter: a rectangle (box) or a free-hand outline (lasso).
export interface Selection {
  mode: 'none' | 'box' | 'lasso';
  points: Set<Point>;
  onChange?: (points: Set<Point>) => void;
  redraw?: () => void;  // set by scatter(): draws the selection after a change made elsewhere (select by label)
}

function inside(poly: { x: number; y: number }[], x: number, y: number): boolean {
  let hit = false;
  for (let i = 0, j = poly.length - 1; i < poly.length; j = i++) {
    const a = poly[i], b = poly[j];
    if ((a.y > y) !== (b.y > y) && x < ((b.x - a.x) * (y - a.y)) / (b.y - a.y) + a.x) hit = !hit;
  }
  return hit;
}

export function scatter(points: Point[], opts: { width?: number; height?: number; describe: (p: Point) => string; onClick?: (p: Point) => void;
  extent?: { x: number; y: number }[]; overlay?: Overlay; xlabel?: string; selection?: Selection }): HTMLElement {
  const width = opts.width ?? 760, height = opts.height ?? 420;
  const canvas = h('canvas', { class: 'chart scatter' });
  const tip = h('div', { class: 'tip' });
  const ctx = setup(canvas, width, height);
  const all = [...points, ...(opts.extent ?? [])];
  const f: Frame = { ...(() => { const [x0, x1] = extent(all.map((p) => p.x)); const [y0, y1] = extent(all.map((p) => p.y)); return { x0, x1, y0, y1 }; })(), w: width, hgt: height };
  const sel = opts.selection;
  let outline: { x: number; y: number }[] = [];  // the drag in progress, in chart pixels
  const draw = (hot: Point | null) => {
    ctx.clearRect(0, 0, width, height);
    axes(ctx, f, opts.xlabel ?? '');
    ctx.globalAlpha = sel && sel.points.size ? 0.35 : 0.75;
    for (const p of points) {
      ctx.fillStyle = p.color;
      ctx.beginPath(); ctx.arc(sx(f, p.x), sy(f, p.y), 3.2, 0, 2 * Math.PI); ctx.fill();
    }
    ctx.globalAlpha = 1;
    if (sel) {
      ctx.strokeStyle = '#111827'; ctx.lineWidth = 1.5;
      for (const p of sel.points) {
        ctx.fillStyle = p.color;
        ctx.beginPath(); ctx.arc(sx(f, p.x), sy(f, p.y), 4, 0, 2 * Math.PI); ctx.fill(); ctx.stroke();
      }
      if (outline.length > 1) {
        ctx.setLineDash([4, 3]); ctx.strokeStyle = '#2563eb'; ctx.fillStyle = 'rgba(37, 99, 235, 0.08)';
        ctx.beginPath(); ctx.moveTo(outline[0].x, outline[0].y);
        for (const q of outline.slice(1)) ctx.lineTo(q.x, q.y);
        ctx.closePath(); ctx.fill(); ctx.stroke(); ctx.setLineDash([]);
      }
    }
    if (opts.overlay) { ctx.save(); opts.overlay(ctx, (x) => sx(f, x), (y) => sy(f, y)); ctx.restore(); }
    if (hot) {
      ctx.strokeStyle = '#111827'; ctx.lineWidth = 2;
      ctx.beginPath(); ctx.arc(sx(f, hot.x), sy(f, hot.y), 6, 0, 2 * Math.PI); ctx.stroke();
    }
  };
  draw(null);
  // Event position in chart pixels: the canvas may be drawn narrower than `width` (max-width on a phone).
  const at = (ev: MouseEvent) => {
    const r = canvas.getBoundingClientRect();
    return { x: (ev.clientX - r.left) * (width / r.width), y: (ev.clientY - r.top) * (height / r.height) };
  };
  const nearest = (ev: MouseEvent): Point | null => {
    const m = at(ev);
    let best: Point | null = null, bd = 64;
    for (const p of points) {
      const d = (sx(f, p.x) - m.x) ** 2 + (sy(f, p.y) - m.y) ** 2;
      if (d < bd) { bd = d; best = p; }
    }
    return best;
  };
  let dragging = false;
  if (sel) {
    sel.redraw = () => draw(null);
    canvas.addEventListener('pointerdown', (ev) => {
      if (sel.mode === 'none') return;
      dragging = true;
      canvas.setPointerCapture(ev.pointerId);
      outline = [at(ev)];
      tip.style.display = 'none';
      ev.preventDefault();
    });
    canvas.addEventListener('pointerup', (ev) => {
      if (!dragging) return;
      dragging = false;
      const end = at(ev);
      const a = outline[0];
      const poly = sel.mode === 'box' ? [a, { x: end.x, y: a.y }, end, { x: a.x, y: end.y }] : [...outline, end];
      outline = [];
      // A click (an outline under 3 px across) selects nothing: it clears, as on a map.
      const span = Math.max(Math.max(...poly.map((q) => q.x)) - Math.min(...poly.map((q) => q.x)), Math.max(...poly.map((q) => q.y)) - Math.min(...poly.map((q) => q.y)));
      const picked = poly.length > 2 && span > 3 ? points.filter((p) => inside(poly, sx(f, p.x), sy(f, p.y))) : [];
      if (!ev.shiftKey) sel.points.clear();
      for (const p of picked) sel.points.add(p);
      draw(null);
      sel.onChange?.(sel.points);
    });
    canvas.style.touchAction = 'none';  // a drag on a phone selects instead of scrolling
  }
  canvas.addEventListener('pointermove', (ev) => {
    if (dragging) {
      const m = at(ev);
      if (sel!.mode === 'box') outline = [outline[0], { x: m.x, y: outline[0].y }, m, { x: outline[0].x, y: m.y }];
      else outline.push(m);
      draw(null);
      return;
    }
    const p = nearest(ev);
    draw(p);
    canvas.style.cursor = sel && sel.mode !== 'none' ? 'crosshair' : p ? 'pointer' : 'default';
    if (!p) { tip.style.display = 'none'; return; }
    tip.textContent = opts.describe(p);
    tip.style.display = 'block';
    const r = canvas.getBoundingClientRect();
    tip.style.left = `${sx(f, p.x) * (r.width / width) + 10}px`;
    tip.style.top = `${sy(f, p.y) * (r.height / height) + 10}px`;
  });
  canvas.addEventListener('mouseleave', () => { if (!dragging) { draw(null); tip.style.display = 'none'; } });
  canvas.addEventListener('click', (ev) => { if (sel && sel.mode !== 'none') return; const p = nearest(ev); if (p) opts.onClick?.(p); });
  canvas.dataset.points = String(points.length);
  // Where data lands in chart pixels (the browser tests draw a lasso around known points with it).
  canvas.dataset.frame = JSON.stringify({ x0: f.x0, x1: f.x1, y0: f.y0, y1: f.y1, w: width, h: height, pad: PAD });
  return h('div', { class: 'chart-box rel' }, canvas, tip);
}

// Horizontal bars: one row per item, value labels at the end.
export function bars(items: { label: string; value: number; color: string; text?: string }[], max?: number): HTMLElement {
  const top = max ?? Math.max(1, ...items.map((i) => i.value));
  return h('div', { class: 'bars' }, items.map((i) =>
    h('div', { class: 'bar-row' },
      h('span', { class: 'bar-label' }, i.label),
      h('span', { class: 'bar-track' }, h('span', { class: 'bar-val', style: { width: `${(100 * i.value) / top}%`, background: i.color } })),
      h('span', { class: 'bar-num' }, i.text ?? String(i.value)))));
}

// Histogram of several series stacked per bin (counts), with vertical marker lines (e.g. a threshold).
export function histogram(series: { name: string; color: string; counts: number[] }[], binWidth: number,
  markers: { at: number; color: string; name: string }[] = [], opts: { width?: number; height?: number; xlabel?: string } = {}): HTMLElement {
  const width = opts.width ?? 760, height = opts.height ?? 240;
  const canvas = h('canvas', { class: 'chart histogram' });
  const ctx = setup(canvas, width, height);
  const bins = Math.max(0, ...series.map((s) => s.counts.length));
  const totals = Array.from({ length: bins }, (_, i) => series.reduce((a, s) => a + (s.counts[i] ?? 0), 0));
  const xmax = Math.max(bins * binWidth, ...markers.map((m) => m.at * 1.05));
  const f: Frame = { x0: 0, x1: xmax > 0 ? xmax : 1, y0: 0, y1: Math.max(1, ...totals) * 1.05, w: width, hgt: height };
  axes(ctx, f, opts.xlabel ?? '');
  for (let i = 0; i < bins; ++i) {
    let base = 0;
    for (const s of series) {
      const c = s.counts[i] ?? 0;
      if (!c) continue;
      const xa = sx(f, i * binWidth) + 0.5, xb = sx(f, (i + 1) * binWidth) - 0.5;
      const ya = sy(f, base + c), yb = sy(f, base);
      ctx.fillStyle = s.color;
      ctx.fillRect(xa, ya, Math.max(1, xb - xa), yb - ya);
      base += c;
    }
  }
  for (const m of markers) {
    ctx.strokeStyle = m.color; ctx.lineWidth = 2; ctx.setLineDash([6, 4]);
    const x = sx(f, m.at);
    ctx.beginPath(); ctx.moveTo(x, PAD.t); ctx.lineTo(x, height - PAD.b); ctx.stroke();
  }
  ctx.setLineDash([]);
  const legend = h('div', { class: 'legend' }, [...series, ...markers].map((s) => h('span', {}, h('i', { style: { background: s.color } }), s.name)));
  return h('div', { class: 'chart-box' }, canvas, legend);
}
