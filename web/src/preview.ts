// The DSP preview: one window of one sample through the impulse being edited (POST /api/impulse/preview,
// nothing saved), drawn the way each block's output is read: spectral as the power spectrum per axis with its
// statistics, audio blocks as an image (time across, coefficients up), the image block as its pixels.
import { get, post, ApiError } from './api';
import { lineChart } from './charts';
import { h, clear, card, fmtBytes, fixed } from './ui';

const AXIS_COLORS = ['#2563eb', '#dc2626', '#16a34a', '#d97706', '#7c3aed', '#0891b2'];

interface PreviewBlock {
  name: string; type: string; shape: number[]; features: number; values_f32: string; layout: any;
  ram_bytes: number; scratch_bytes: number; output_bytes: number; flash_bytes: number; dsp_instructions: number | null;
}
interface PreviewResult {
  valid: boolean;
  error?: string;
  sample: { id: number; name: string; label: string };
  window: any;
  blocks: PreviewBlock[];
  features_per_window: number;
  total_ms: number;
}

export function decodeF32(b64: string): Float32Array {
  const bin = atob(b64);
  const bytes = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; ++i) bytes[i] = bin.charCodeAt(i);
  return new Float32Array(bytes.buffer, 0, bytes.length >> 2);
}

// A signal as at most ~1 point per pixel: when samples outnumber pixels, each pixel's min and max, drawn as a
// filled band (peaks survive; a zigzag stroke of the same points costs the browser 100+ ms to raster).
function envelope(v: ArrayLike<number>, stride: number, offset: number, n: number, dt: number, buckets: number) {
  const x: number[] = [], y: number[] = [];
  const per = Math.max(1, Math.ceil(n / buckets));
  for (let i = 0; i < n; i += per) {
    let lo = Infinity, hi = -Infinity;
    for (let k = i; k < Math.min(n, i + per); ++k) { const s = v[k * stride + offset]; lo = Math.min(lo, s); hi = Math.max(hi, s); }
    x.push(i * dt); y.push(per > 1 ? lo : hi);
    if (per > 1) { x.push(i * dt); y.push(hi); }
  }
  return { x, y, band: per > 1 };
}

const chartWidth = (el: HTMLElement) => Math.max(280, Math.min(760, (el.clientWidth || 760) - 8));

// Viridis-like ramp: dark blue to yellow.
function ramp(t: number): [number, number, number] {
  const stops = [[68, 1, 84], [59, 82, 139], [33, 145, 140], [94, 201, 98], [253, 231, 37]];
  const x = Math.max(0, Math.min(1, t)) * (stops.length - 1), i = Math.min(stops.length - 2, Math.floor(x)), f = x - i;
  return [0, 1, 2].map((c) => Math.round(stops[i][c] + f * (stops[i + 1][c] - stops[i][c]))) as [number, number, number];
}

// rows x cols values (frame-major) as an image: time left to right, coefficient 0 at the bottom.
function heatmap(v: Float32Array, rows: number, cols: number, width: number): HTMLCanvasElement {
  const c = h('canvas', { class: 'chart heatmap' });
  c.width = rows; c.height = cols;
  let lo = Infinity, hi = -Infinity;
  for (const x of v) if (isFinite(x)) { lo = Math.min(lo, x); hi = Math.max(hi, x); }
  const img = c.getContext('2d')!.createImageData(rows, cols);
  for (let r = 0; r < rows; ++r)
    for (let k = 0; k < cols; ++k) {
      const [R, G, B] = ramp(hi > lo ? (v[r * cols + k] - lo) / (hi - lo) : 0.5);
      const o = ((cols - 1 - k) * rows + r) * 4;
      img.data[o] = R; img.data[o + 1] = G; img.data[o + 2] = B; img.data[o + 3] = 255;
    }
  c.getContext('2d')!.putImageData(img, 0, 0);
  c.style.width = `${width}px`;
  c.style.height = `${Math.max(120, Math.min(320, cols * 3))}px`;
  c.dataset.range = `${lo} ${hi}`;
  return c;
}

function pixels(v: Float32Array, hgt: number, w: number, ch: number): HTMLCanvasElement {
  const c = h('canvas', { class: 'chart pixels' });
  c.width = w; c.height = hgt;
  const img = c.getContext('2d')!.createImageData(w, hgt);
  for (let i = 0; i < w * hgt; ++i) {
    const px = (k: number) => Math.round(255 * Math.max(0, Math.min(1, v[i * ch + (ch === 3 ? k : 0)])));
    img.data[i * 4] = px(0); img.data[i * 4 + 1] = px(1); img.data[i * 4 + 2] = px(2); img.data[i * 4 + 3] = 255;
  }
  c.getContext('2d')!.putImageData(img, 0, 0);
  c.style.width = c.style.height = `${Math.min(288, Math.max(w, hgt) * 3)}px`;
  return c;
}

function blockView(b: PreviewBlock, width: number): HTMLElement {
  const v = decodeF32(b.values_f32), L = b.layout;
  const cost = h('p', { class: 'muted cost' },
    `${b.shape.join(' × ')} = ${b.features} features · device RAM ${fmtBytes(b.ram_bytes)} (scratch ${fmtBytes(b.scratch_bytes)} + output ${fmtBytes(b.output_bytes)}) · flash ${fmtBytes(b.flash_bytes)}` +
    (b.dsp_instructions ? ` · ≈ ${Math.round(b.dsp_instructions).toLocaleString('en')} instructions (${(b.dsp_instructions / 80000).toFixed(2)} ms at 80 MHz, Cortex-M4 estimate)` : ''));
  let body: HTMLElement;
  if (L.kind === 'spectral') {
    const per = v.length / L.axes.length, P = L.frequencies_hz.length;
    const spectrum = lineChart(L.axes.map((a: string, i: number) => ({ name: a, color: AXIS_COLORS[i % 6], x: L.frequencies_hz,
      y: Array.from(v.subarray(i * per + 3, i * per + 3 + P)) })), { width, height: 220, xlabel: 'Hz' });
    const stats = h('table', { class: 'grid compact', id: 'spectral-stats' },
      h('thead', {}, h('tr', {}, h('th', {}, 'axis'), L.stats.map((s: string) => h('th', { class: 'num' }, s)),
        L.peaks ? h('th', {}, 'peaks (Hz)') : null)),
      h('tbody', {}, L.axes.map((a: string, i: number) => h('tr', {}, h('td', {}, a), [0, 1, 2].map((k) => h('td', { class: 'num' }, fixed(v[i * per + k], 4))),
        L.peaks ? h('td', {}, Array.from({ length: L.peaks }, (_, k) => fixed(v[i * per + 3 + P + 2 * k], 2)).join(', ')) : null))));
    body = h('div', {}, h('h3', {}, `Power spectrum${L.log ? ' (log10)' : ''}`), spectrum, h('h3', {}, 'Statistics'), stats);
  } else if (L.kind === 'image') {
    body = h('div', {}, h('h3', {}, `${L.rows} frames × ${L.cols} ${b.type === 'mfcc' ? 'coefficients' : b.type === 'mfe' ? 'mel filters' : 'FFT bins'} (time →)`),
      heatmap(v, L.rows, L.cols, width));
  } else if (L.kind === 'pixels') {
    body = h('div', {}, h('h3', {}, `Processed pixels ${L.width} × ${L.height} × ${L.channels}`), pixels(v, L.height, L.width, L.channels));
  } else if (L.kind === 'stats') {
    const per = L.stats.length;
    body = h('table', { class: 'grid compact' }, h('thead', {}, h('tr', {}, h('th', {}, 'axis'), L.stats.map((s: string) => h('th', { class: 'num' }, s)))),
      h('tbody', {}, L.axes.map((a: string, i: number) => h('tr', {}, h('td', {}, a), L.stats.map((_: string, k: number) => h('td', { class: 'num' }, fixed(v[i * per + k], 4)))))));
  } else {
    const axes = L.axes.length || 1, n = v.length / axes;
    body = lineChart(Array.from({ length: axes }, (_, a) => ({ name: L.axes[a] ?? `axis ${a}`, color: AXIS_COLORS[a % 6], ...envelope(v, axes, a, n, 1, width) })),
      { width, height: 200, xlabel: 'frame' });
  }
  return h('div', { class: 'block-output', 'data-block': b.name, 'data-kind': L.kind }, h('h3', {}, `${b.name} (${b.type})`), cost, body);
}

// The preview card. `spec()` returns the impulse being edited; errors go to `onError` (the form shows them
// on their field), success clears them through `onOk`.
export function previewCard(spec: () => any, onError: (msg: string) => void, onOk: () => void) {
  const sampleSel = h('select', { id: 'preview-sample', 'aria-label': 'sample' });
  const slider = h('input', { type: 'range', id: 'preview-window', min: 0, max: 0, step: 1, value: 0, 'aria-label': 'window' });
  const where = h('span', { class: 'muted', id: 'preview-where' });
  const status = h('span', { class: 'muted', id: 'preview-status' });
  const raw = h('div', { id: 'preview-raw' });
  const out = h('div', { id: 'preview-blocks' });
  const el = card('DSP preview', h('p', { class: 'muted' }, 'One window of a sample through the blocks as edited above, computed by the same code as training and the device; nothing is saved.'),
    h('div', { class: 'row' }, h('label', {}, 'sample', sampleSel), h('label', { class: 'grow' }, 'window', slider), where, status), raw, out);
  el.id = 'preview';
  let timer = 0, seq = 0, stride = 0;

  async function run() {
    const mine = ++seq;
    if (!sampleSel.value) return;
    // For tests and tools: the request's number, and (below) the number of the one drawn last; answers to
    // older requests are dropped, so drawn > a number read before an edit means the edit's preview is shown.
    el.dataset.sent = String(mine);
    status.textContent = 'computing…';
    const t0 = performance.now();
    try {
      const r = await post<PreviewResult>('/api/impulse/preview', { impulse: spec(), sample_id: Number(sampleSel.value), start_ms: Number(slider.value) * stride });
      if (mine !== seq) return;
      if (!r.valid) throw new ApiError(200, r.error ?? 'the impulse does not validate');
      const ms = performance.now() - t0;
      el.dataset.ms = ms.toFixed(1);
      el.dataset.serverMs = r.total_ms.toFixed(2);
      status.textContent = `${ms.toFixed(0)} ms`;
      draw(r);
      el.dataset.drawn = String(mine);
      el.dataset.runs = String(Number(el.dataset.runs ?? 0) + 1);
      onOk();
    } catch (e) {
      if (mine !== seq) return;
      status.textContent = 'error';
      el.dataset.error = (e as ApiError).message;
      onError((e as ApiError).message);
    }
  }

  function draw(r: PreviewResult) {
    const width = chartWidth(el);
    const w = r.window;
    delete el.dataset.error;
    if (w.image) {
      clear(raw, h('h3', {}, `Sample ${r.sample.name} (${r.sample.label})`), h('img', { src: w.image, class: 'sample-image', alt: r.sample.name }));
      slider.disabled = true; where.textContent = '';
    } else {
      stride = w.stride_ms;
      slider.max = String(w.count - 1);
      slider.value = String(w.index);
      slider.disabled = w.count <= 1;
      where.textContent = `window ${w.index + 1} of ${w.count}: ${(w.start_ms / 1000).toFixed(2)}–${((w.start_ms + w.frames * 1000 / w.frequency_hz) / 1000).toFixed(2)} s`;
      const v = decodeF32(w.values_f32), axes = w.axes.length;
      clear(raw, h('h3', {}, `Raw window: ${w.frames} frames × ${axes} axes at ${w.frequency_hz} Hz`),
        lineChart(w.axes.map((a: string, i: number) => ({ name: a, color: AXIS_COLORS[i % 6], ...envelope(v, axes, i, w.frames, 1 / w.frequency_hz, width) })),
          { width, height: 180, xlabel: 's' }));
    }
    clear(out, r.blocks.map((b) => blockView(b, width)));
  }

  const schedule = (delay = 250) => { clearTimeout(timer); timer = window.setTimeout(run, delay); };
  sampleSel.addEventListener('change', () => { slider.value = '0'; schedule(0); });
  slider.addEventListener('input', () => schedule(120));

  async function load(sampleId?: number) {
    const list = await get<{ samples: { id: number; name: string; label: string; category: string }[] }>('/api/samples?limit=500');
    clear(sampleSel, list.samples.map((s) => h('option', { value: s.id, selected: s.id === sampleId }, `${s.label} · ${s.name} (${s.category})`)));
    schedule(0);
  }
  return { el, schedule, load };
}
