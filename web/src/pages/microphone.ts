// The computer's microphone through the impulse's WebAssembly (audio projects): getUserMedia into an AudioContext
// running at the impulse's rate (the browser resamples), an AudioWorklet handing each 128-frame block to this
// page, and a window classified every stride. Nothing leaves the browser.
import { lineChart } from '../charts';
import { h, clear, card, labelColor, pct, fixed, badge } from '../ui';
import type { WasmImpulse, WasmResult } from './browser';
import { top } from './browser';

const KEEP = 100;  // results in the rolling chart
const TAP = `class MoteTap extends AudioWorkletProcessor {
  process(inputs) { const c = inputs[0] && inputs[0][0]; if (c) this.port.postMessage(c.slice(0)); return true; }
}
registerProcessor('mote-tap', MoteTap);`;

export function microphone(m: WasmImpulse): { el: HTMLElement; stop: () => void } {
  const status = h('span', { id: 'mic-status', class: 'muted' }, 'not listening');
  const now = h('div', { id: 'mic-now', class: 'live-now' });
  const chart = h('div', { id: 'mic-chart' });
  const button = h('button', { id: 'mic-start', class: 'primary', onclick: () => (stream ? stop() : start()) }, 'Listen');
  const frames = m.impulse.frames, stride = Math.max(1, Math.round(m.impulse.stride_ms * m.impulse.frequency_hz / 1000));
  const win = new Float32Array(frames);
  let filled = 0, sinceRun = 0, t0 = 0, runs = 0;
  let stream: MediaStream | undefined, ctx: AudioContext | undefined;
  const results: { t: number; r: WasmResult; ms: number }[] = [];

  const push = (block: Float32Array) => {
    // Slide the block into the window (newest frames at the end).
    if (block.length >= frames) win.set(block.subarray(block.length - frames));
    else { win.copyWithin(0, block.length); win.set(block, frames - block.length); }
    filled = Math.min(frames, filled + block.length);
    sinceRun += block.length;
    if (filled < frames || sinceRun < stride) return;
    sinceRun = 0;
    const a = performance.now();
    const r = m.classify(win);
    results.push({ t: (performance.now() - t0) / 1000, r, ms: performance.now() - a });
    if (results.length > KEEP) results.shift();
    now.dataset.results = String(++runs);
    draw();
  };
  const draw = () => {
    const last = results[results.length - 1];
    const [label, p] = top(last.r);
    let peak = 0;
    for (const v of win) peak = Math.max(peak, Math.abs(v));
    clear(now, h('div', { class: 'live-label', style: { color: labelColor(label) } }, label),
      h('div', {}, `score ${pct(p)}`),
      last.r.anomaly !== null ? h('div', {}, `anomaly ${fixed(last.r.anomaly, 3)} `, last.r.anomaly > (m.anomalyThreshold ?? Infinity) ? badge('anomalous', 'failed') : badge('normal', 'done')) : null,
      h('div', { class: 'muted' }, `${runs} windows · ${fixed(last.ms, 2)} ms each in WebAssembly · input peak ${fixed(peak, 3)}`));
    const x = results.map((e) => e.t);
    clear(chart, lineChart(m.labels.map((l) => ({ name: l, color: labelColor(l), x, y: results.map((e) => e.r.scores[l]) })),
      { xlabel: 'time (s)', ymin: 0, ymax: 1, width: 820, height: 200 }));
  };

  async function start() {
    if (!navigator.mediaDevices?.getUserMedia || typeof AudioWorkletNode === 'undefined') {
      status.textContent = 'this browser gives no microphone here (it needs a secure context: open the studio on 127.0.0.1 or https)';
      return;
    }
    try {
      stream = await navigator.mediaDevices.getUserMedia({ audio: { echoCancellation: false, noiseSuppression: false, autoGainControl: false } });
      ctx = new AudioContext({ sampleRate: m.impulse.frequency_hz });  // the browser resamples the microphone to the impulse's rate
      const url = URL.createObjectURL(new Blob([TAP], { type: 'text/javascript' }));
      await ctx.audioWorklet.addModule(url);
      URL.revokeObjectURL(url);
      const node = new AudioWorkletNode(ctx, 'mote-tap');
      node.port.onmessage = (e) => push(e.data as Float32Array);
      ctx.createMediaStreamSource(stream).connect(node);
      filled = 0; sinceRun = 0; runs = 0; results.length = 0; t0 = performance.now();
      status.textContent = `listening at ${ctx.sampleRate} Hz: a ${m.impulse.window_ms} ms window every ${m.impulse.stride_ms} ms`;
      button.textContent = 'Stop';
    } catch (e) {
      stop();
      status.textContent = `no microphone: ${(e as Error).message}`;
    }
  }
  function stop() {
    stream?.getTracks().forEach((t) => t.stop());
    ctx?.close().catch(() => {});
    stream = undefined; ctx = undefined;
    button.textContent = 'Listen';
    if (runs) status.textContent = `stopped after ${runs} windows`;
  }
  const el = card('From the microphone',
    h('p', { class: 'muted' }, 'The computer’s microphone, resampled by the browser to the impulse’s rate, classified window by window in WebAssembly.'),
    h('div', { class: 'row' }, button, status), now, chart);
  return { el, stop };
}
