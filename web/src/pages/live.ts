// Live classification from a device: follows /api/live/{device}/events (Server-Sent Events) and shows every
// window's smoothed label, confidence and anomaly score as they arrive (the device's lines are POSTed to
// /api/live/{device}, e.g. by `mote forward --live`; see docs/studio.md).
import { get } from '../api';
import { lineChart } from '../charts';
import { h, clear, card, labelColor, seedLabelColors, pct, fixed, badge } from '../ui';

const KEEP = 150;  // results shown in the rolling charts

export async function liveCard(params: URLSearchParams): Promise<{ el: HTMLElement; stop: () => void }> {
  const known = await get<{ devices: { device: string; frames: number }[] }>('/api/live');
  const device = h('input', { id: 'live-device', value: params.get('device') ?? known.devices[0]?.device ?? 'device', size: 16 });
  const status = h('span', { id: 'live-status', class: 'muted' }, 'not connected');
  const now = h('div', { id: 'live-now', class: 'live-now' });
  const charts = h('div', { id: 'live-charts' });
  const recent = h('div', { id: 'live-recent' });
  let es: EventSource | undefined;
  let info: any = null;
  let results: any[] = [];
  let drawn = 0, timer = 0;

  const draw = () => {
    timer = 0;
    if (!results.length) return;
    const x = results.map((r) => r.time_ms / 1000);
    const parts: HTMLElement[] = [];
    const labels: string[] = info?.labels ?? Object.keys(results[0].blocks[Object.keys(results[0].blocks).find((k) => results[0].blocks[k].scores) ?? '']?.scores ?? {});
    const cls = (r: any) => Object.values(r.blocks).find((b: any) => b.scores) as any;
    if (labels.length) parts.push(lineChart(labels.map((l) => ({ name: l, color: labelColor(l), x, y: results.map((r) => cls(r)?.scores?.[l] ?? null) })),
      { xlabel: 'stream time (s)', ymin: 0, ymax: 1, width: 820, height: 200 }));
    if (results.some((r) => typeof r.anomaly === 'number')) {
      const th = Object.values(info?.thresholds ?? {})[0] as number | undefined;
      parts.push(lineChart([
        { name: 'anomaly score', color: '#111827', x, y: results.map((r) => r.anomaly ?? null) },
        ...(th !== undefined ? [{ name: 'threshold', color: '#dc2626', x, y: x.map(() => th), dashed: true }] : []),
      ], { xlabel: 'stream time (s)', ymin: 0, width: 820, height: 160 }));
    }
    clear(charts, parts);
    const last = results[results.length - 1];
    clear(now,
      h('div', { class: 'live-label', style: { color: last.label ? labelColor(last.label) : undefined } }, last.label || '–'),
      h('div', {}, `confidence ${pct(last.confidence)}`),
      typeof last.anomaly === 'number' ? h('div', {}, `anomaly ${fixed(last.anomaly, 3)} `, last.anomalous ? badge('anomalous', 'failed') : badge('normal', 'done')) : null,
      h('div', { class: 'muted' }, `window ${last.window} · ${fixed(last.start_ms / 1000, 2)}–${fixed(last.time_ms / 1000, 2)} s · ${drawn} results`));
    clear(recent, h('table', { class: 'grid compact', id: 'live-table' },
      h('thead', {}, h('tr', {}, h('th', { class: 'num' }, 'window'), h('th', { class: 'num' }, 'end (s)'), h('th', {}, 'label'), h('th', { class: 'num' }, 'confidence'), h('th', { class: 'num' }, 'anomaly'))),
      h('tbody', {}, results.slice(-8).reverse().map((r) => h('tr', {},
        h('td', { class: 'num' }, r.window), h('td', { class: 'num' }, fixed(r.time_ms / 1000, 2)), h('td', {}, r.label ?? ''),
        h('td', { class: 'num' }, pct(r.confidence)), h('td', { class: 'num' }, typeof r.anomaly === 'number' ? fixed(r.anomaly, 3) + (r.anomalous ? ' ⚠' : '') : '–'))))));
  };
  const schedule = () => { if (!timer) timer = window.setTimeout(draw, 150); };

  const connect = () => {
    es?.close();
    results = []; drawn = 0; info = null;
    clear(charts); clear(now, h('p', { class: 'muted' }, 'waiting for the device’s data…')); clear(recent);
    const name = device.value.trim() || 'device';
    es = new EventSource(`/api/live/${encodeURIComponent(name)}/events`);
    status.textContent = `connecting to ${name}…`;
    es.addEventListener('hello', (e) => {
      const d = JSON.parse((e as MessageEvent).data);
      status.textContent = `following ${d.device}` + (d.ready ? '' : ' (no data yet)');
    });
    es.addEventListener('info', (e) => {
      info = JSON.parse((e as MessageEvent).data);
      if (!info.labels) return;  // a reset: the next data rebuilds the classifier
      seedLabelColors(info.labels);
      status.textContent = `following ${name}: ${info.window_ms} ms windows every ${info.stride_ms} ms at ${info.frequency_hz} Hz (device ${info.input_hz} Hz), smoothing over ${info.smooth} windows`;
    });
    es.addEventListener('result', (e) => {
      results.push(JSON.parse((e as MessageEvent).data));
      if (results.length > KEEP) results.splice(0, results.length - KEEP);
      drawn++;
      now.dataset.results = String(drawn);
      schedule();
    });
    es.onerror = () => { if (es?.readyState === EventSource.CLOSED) status.textContent = 'disconnected (the server stopped?)'; };
  };
  const el = card('From a device (live)',
    h('p', { class: 'muted' }, 'A device’s forwarder lines, sent to the server with ', h('code', {}, 'mote forward --serial DEV --to URL --api-key K --live'),
      ' (or POSTed as text to ', h('code', {}, '/api/live/{device}'), '), are classified window by window with the smoothing of the device API; results appear here as they come.'),
    h('div', { class: 'row' }, h('label', {}, 'device', device), h('button', { id: 'live-connect', onclick: connect }, 'Follow'), status),
    now, charts, recent);
  connect();
  return { el, stop: () => { es?.close(); clearTimeout(timer); } };
}
