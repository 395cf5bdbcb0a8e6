// Live classification in the browser: the impulse's wasm package (`mote deploy --format wasm`, the device's own
// runtime and generated code compiled with emcc) imported from the server once, then run here with no server
// round trip: on the testing windows against the host's results (bit for bit), on a sample's windows, or on
// the microphone (audio projects; microphone.ts).
import { get, startJob, followJob, SampleMeta, ApiError } from '../api';
import { lineChart } from '../charts';
import { h, clear, card, labelColor, pct, fixed, badge, fmtBytes, JobLog, attempt, newestOnly } from '../ui';
import { decodeF32 } from '../preview';
import { microphone } from './microphone';

export interface WasmResult { features: Float32Array; output: Int8Array; scores: Record<string, number>; anomaly: number | null; ready: boolean }
export interface WasmImpulse {
  impulse: { hash: string; input: 'time-series' | 'image'; frames: number; axes: number; frequency_hz: number; window_ms: number; stride_ms: number;
    width?: number; height?: number; color?: string; labels: string[]; has_anomaly: boolean };
  labels: string[];
  values: number;
  anomalyThreshold: number | null;
  classify(window: Float32Array): WasmResult;
  continuous(slice: Float32Array, reset?: boolean): WasmResult;
}
interface WasmStatus { built: boolean; current: boolean; impulse_hash?: string; current_impulse_hash?: string | null; windows?: number; wasm_bytes?: number; not_deployable?: string }

const FILES = '/api/deploy/wasm/files/';

async function loadWasm(hash: string): Promise<WasmImpulse> {
  // The package's own ES module (not bundled): a new URL per impulse, so a rebuilt package is imported afresh.
  const mod = await import(/* @vite-ignore */ `${FILES}mote_impulse.mjs?impulse=${hash}`);
  return mod.loadImpulse(`${FILES}mote_impulse.wasm?impulse=${hash}`);
}

// The label with the highest score (the classifier's pick) and that score.
export function top(r: WasmResult): [string, number] {
  let best = '', p = -1;
  for (const [l, v] of Object.entries(r.scores)) if (v > p) [best, p] = [l, v];
  return [best, p];
}

const bits = (a: Float32Array) => new Uint32Array(a.buffer, a.byteOffset, a.length);

export async function browserCard(samples: SampleMeta[]): Promise<{ el: HTMLElement; stop: () => void }> {
  const status = h('div', { id: 'wasm-status' });
  const log = new JobLog();
  const body = h('div', { id: 'wasm-body' });
  const el = card('In the browser (WebAssembly)',
    h('p', { class: 'muted' }, 'The device code itself — the runtime and the generated impulse, compiled to WebAssembly by ', h('code', {}, 'mote deploy --format wasm'),
      ' — loaded once and run here: no server round trip per window.'),
    status, log.el, body);
  let stopMic: (() => void) | undefined;

  const build = async () => {
    const id = await attempt(() => startJob('deploy', { format: 'wasm' }));
    if (id === undefined) return;
    log.reset(`deploy job ${id} (wasm) running`);
    followJob(id, { onLog: (l) => log.line(l), onProgress: (p) => log.setProgress(p),
      onState: (j) => { log.done(j.state, j.error); if (j.state === 'done') refresh(); } });
  };
  const buildButton = (text: string) => h('button', { id: 'wasm-build', class: 'primary', onclick: build }, text);

  async function refresh() {
    stopMic?.();
    clear(body);
    const s = await get<WasmStatus>('/api/deploy/wasm');
    if (!s.built) {
      clear(status, h('p', {}, s.not_deployable ? `Nothing to build yet: ${s.not_deployable}` : 'Not built for the browser yet. ',
        s.not_deployable ? null : buildButton('Build for the browser')));
      return;
    }
    const stale = s.current ? null : h('span', {}, ' ', badge(s.current_impulse_hash ? 'of an older impulse' : 'models not deployable', 'failed'), ' ');
    clear(status, h('p', {}, `mote_impulse.wasm, ${fmtBytes(s.wasm_bytes ?? 0)}, impulse ${s.impulse_hash} `, stale,
      buildButton(s.current ? 'Rebuild' : 'Build again for the current impulse')));
    let m: WasmImpulse;
    const t0 = performance.now();
    try {
      m = await loadWasm(s.impulse_hash!);
    } catch (e) {
      clear(body, h('div', { class: 'error-box' }, `loading mote_impulse.wasm: ${(e as Error).message}`));
      return;
    }
    const loadMs = performance.now() - t0;
    status.dataset.loaded = m.impulse.hash;
    const input = m.impulse.input === 'image' ? `${m.impulse.width} × ${m.impulse.height} ${m.impulse.color} images`
      : `${m.impulse.frames} frames × ${m.impulse.axes} axes at ${m.impulse.frequency_hz} Hz`;
    status.append(h('p', { class: 'muted', id: 'wasm-loaded' },
      `Loaded in ${fixed(loadMs, 0)} ms: ${input} → ${m.labels.length} labels` +
      (m.anomalyThreshold !== null ? `, anomaly threshold ${fixed(m.anomalyThreshold, 3)}` : '') + '.'));
    body.append(checkCard(m));
    if (m.impulse.input !== 'image') body.append(sampleCard(m, samples));  // image samples: the check runs their frames
    const audio = m.impulse.input !== 'image' && m.impulse.axes === 1 && m.impulse.frequency_hz >= 4000;
    if (audio) {
      const mic = microphone(m);
      stopMic = mic.stop;
      body.append(mic.el);
    }
  }
  await refresh().catch((e) => clear(status, h('div', { class: 'error-box' }, (e as Error).message)));
  return { el, stop: () => stopMic?.() };
}

// Every testing window of the package (testing.json: the windows and the host's results) through the wasm here.
function checkCard(m: WasmImpulse): HTMLElement {
  const out = h('div', { id: 'wasm-check' });
  const run = async () => {
    clear(out, h('p', { class: 'muted' }, 'running…'));
    const t = await (await fetch(`${FILES}testing.json?impulse=${m.impulse.hash}`)).json();
    const data = decodeF32(t.windows_f32), host = decodeF32(t.host.features_f32), hostAnomaly = bits(decodeF32(t.host.anomaly_f32));
    const hostBits = bits(host);
    const features = new Float32Array(t.count * t.features), outputs = new Int8Array(t.count * m.labels.length), anomaly = new Float32Array(t.count);
    let equal = 0, featureMismatch = 0, int8Mismatch = 0, anomalyMismatch = 0;
    const t0 = performance.now();
    for (let w = 0; w < t.count; ++w) {
      const r = m.classify(data.subarray(w * t.values, (w + 1) * t.values));
      features.set(r.features, w * t.features);
      outputs.set(r.output, w * m.labels.length);
      anomaly[w] = r.anomaly ?? 0;
    }
    const ms = performance.now() - t0;
    const fb = bits(features), ab = bits(anomaly);
    for (let w = 0; w < t.count; ++w) {
      let f = 0, o = 0;
      for (let i = 0; i < t.features; ++i) f += fb[w * t.features + i] !== hostBits[w * t.features + i] ? 1 : 0;
      for (let i = 0; i < m.labels.length; ++i) o += outputs[w * m.labels.length + i] !== t.host.output[w * m.labels.length + i] ? 1 : 0;
      const a = m.impulse.has_anomaly && ab[w] !== hostAnomaly[w];
      featureMismatch += f; int8Mismatch += o; anomalyMismatch += a ? 1 : 0;
      equal += !f && !o && !a ? 1 : 0;
    }
    // For the browser test: the wasm's own numbers, compared there with the host's independently.
    (window as any).moteWasmCheck = { features, outputs, anomaly, ms };
    clear(out, h('p', { id: 'wasm-check-result', 'data-windows': t.count, 'data-equal': equal },
      equal === t.count ? badge('bit-identical', 'done') : badge('differs', 'failed'),
      ` ${equal} of ${t.count} testing windows equal to the host’s bit for bit (${t.count * t.features} features, ${t.count * m.labels.length} int8 outputs` +
      (m.impulse.has_anomaly ? `, ${t.count} anomaly scores` : '') + `) in ${fixed(ms, 1)} ms, ${fixed(1000 * ms / t.count, 1)} µs per window.`),
      equal === t.count ? null : h('p', { class: 'error-box' }, `${featureMismatch} features, ${int8Mismatch} int8 outputs, ${anomalyMismatch} anomaly scores differ.`));
  };
  return card('Check against the host',
    h('p', { class: 'muted' }, 'Runs the package’s testing windows through the WebAssembly and compares every feature, int8 output and anomaly score with the host’s results, bit for bit.'),
    h('div', { class: 'row' }, h('button', { id: 'wasm-check-run', onclick: () => attempt(run) }, 'Check against the host')), out);
}

// A stored sample's windows (cut by the server as feature generation cuts them) classified here, window by window.
function sampleCard(m: WasmImpulse, samples: SampleMeta[]): HTMLElement {
  const out = h('div', { id: 'wasm-sample-result' });
  const select = h('select', { id: 'wasm-sample', 'aria-label': 'sample to classify in the browser' },
    samples.map((s) => h('option', { value: String(s.id) }, `${s.name} (${s.label || 'unlabelled'})`)));
  const newest = newestOnly();  // samples chosen quickly one after another: only the last one's answer draws
  const run = async () => {
    const fresh = newest();
    clear(out, h('p', { class: 'muted' }, 'classifying…'));
    let w: any;
    try {
      w = await get(`/api/samples/${select.value}/windows`);
    } catch (e) {
      if (fresh()) clear(out, h('div', { class: 'error-box' }, (e as ApiError).message));
      return;
    }
    if (!fresh()) return;
    if (w.frames * w.axes !== m.values) {
      clear(out, h('div', { class: 'error-box' }, `the sample's windows hold ${w.frames * w.axes} values, the wasm ${m.values}: build it again for the current impulse`));
      return;
    }
    const data = decodeF32(w.values_f32);
    const results: WasmResult[] = [];
    const t0 = performance.now();
    for (let i = 0; i < w.count; ++i) results.push(m.classify(data.subarray(i * m.values, (i + 1) * m.values)));
    const ms = performance.now() - t0;
    const x = (w.start_ms as number[]).map((v) => v / 1000);
    const mean = Object.fromEntries(m.labels.map((l) => [l, results.reduce((a, r) => a + r.scores[l], 0) / results.length]));
    const [label, p] = top({ scores: mean } as WasmResult);
    const maxAnomaly = m.impulse.has_anomaly ? Math.max(...results.map((r) => r.anomaly ?? 0)) : null;
    clear(out,
      h('p', { id: 'wasm-sample-summary', 'data-label': label, 'data-windows': w.count },
        `Sample label `, h('b', {}, w.sample.label || '(unlabelled)'), ', predicted ', h('b', {}, label), ` with mean score ${pct(p)} over ${w.count} windows `,
        w.sample.label ? (label === w.sample.label ? badge('correct', 'done') : badge('differs', 'failed')) : null,
        ` · ${fixed(ms, 2)} ms in the browser (${fixed(1000 * ms / w.count, 1)} µs per window)`,
        maxAnomaly !== null ? ` · max anomaly ${fixed(maxAnomaly, 3)} (threshold ${fixed(m.anomalyThreshold, 3)})` : ''),
      lineChart(m.labels.map((l) => ({ name: l, color: labelColor(l), x, y: results.map((r) => r.scores[l]) })),
        { xlabel: 'window start (s)', ymin: 0, ymax: 1, width: 900, height: 220 }),
      maxAnomaly !== null ? lineChart([
        { name: 'anomaly score', color: '#111827', x, y: results.map((r) => r.anomaly) },
        { name: 'threshold', color: '#dc2626', x, y: x.map(() => m.anomalyThreshold), dashed: true },
      ], { xlabel: 'window start (s)', ymin: 0, width: 900, height: 160 }) : null);
  };
  select.addEventListener('change', () => attempt(run));
  return card('A sample, classified in the browser',
    h('p', { class: 'muted' }, 'The sample’s windows come from the server as feature generation cuts them; the DSP blocks, the int8 classifier and the anomaly score run here.'),
    h('div', { class: 'row' }, select, h('button', { id: 'wasm-sample-run', onclick: () => attempt(run) }, 'Classify in the browser')), out);
}
