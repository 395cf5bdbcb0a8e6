// Live classification: a device's stream over SSE (live.ts), the current models on one stored sample (per-window
// class probabilities and anomaly scores, computed by the server), and the device code in the browser (browser.ts).
import { get, SampleMeta, ApiError } from '../api';
import { lineChart } from '../charts';
import { h, clear, card, labelColor, seedLabelColors, pct, fixed, badge, newestOnly } from '../ui';
import { liveCard } from './live';
import { browserCard } from './browser';

export async function classifyPage(root: HTMLElement, params: URLSearchParams) {
  const list = await get<{ samples: SampleMeta[] }>('/api/samples?category=testing&limit=1000');
  seedLabelColors([...new Set(list.samples.map((s) => s.label))]);
  const select = h('select', { id: 'classify-sample', onchange: () => run(Number(select.value)) },
    list.samples.map((s) => h('option', { value: String(s.id) }, `${s.name} (${s.label})`)));
  const out = h('div', { id: 'classify-result' });
  const live = await liveCard(params);
  root.append(live.el);
  root.append(card('Sample', h('p', { class: 'muted' }, 'Runs the impulse and every current model on a testing sample, window by window, as the device would.'),
    h('div', { class: 'row' }, select)), out);
  const browser = await browserCard(list.samples);
  root.append(browser.el);

  const newest = newestOnly();  // samples chosen quickly one after another: only the last one's answer draws
  async function run(id: number) {
    const fresh = newest();
    select.value = String(id);
    clear(out, h('p', { class: 'muted' }, 'classifying…'));
    let r: any;
    try {
      r = await get(`/api/samples/${id}/classify`);
      if (!fresh()) return;
    } catch (e) {
      if (fresh()) clear(out, h('div', { class: 'error-box' }, (e as ApiError).message));
      return;
    }
    const x = r.windows.map((w: any) => w.start_ms / 1000);
    const parts: HTMLElement[] = [];
    const cls = r.summary.classifier;
    if (cls) {
      const labels = Object.keys(cls.scores);
      parts.push(card('Classifier',
        h('p', {}, 'Sample label ', h('b', {}, r.label), ', predicted ', h('b', {}, cls.label), ` with mean confidence ${pct(cls.confidence)} over ${r.windows.length} windows `,
          cls.label === r.label ? badge('correct', 'done') : badge('differs', 'failed')),
        lineChart(labels.map((l) => ({ name: l, color: labelColor(l), x, y: r.windows.map((w: any) => w.classifier?.[l] ?? null) })),
          { xlabel: 'window start (s)', ymin: 0, ymax: 1, width: 900, height: 240 })));
    }
    const an = r.summary.anomaly;
    if (an) {
      parts.push(card('Anomaly',
        h('p', {}, `max window score ${fixed(an.max_score, 3)}, threshold ${fixed(an.threshold, 3)} `, an.anomalous ? badge('anomalous', 'failed') : badge('normal', 'done')),
        lineChart([
          { name: 'score', color: '#111827', x, y: r.windows.map((w: any) => w.anomaly?.score ?? null) },
          { name: 'threshold', color: '#dc2626', x, y: x.map(() => an.threshold), dashed: true },
        ], { xlabel: 'window start (s)', width: 900, height: 200, ymin: 0 })));
    }
    clear(out, parts);
  }

  const first = Number(params.get('sample')) || list.samples[0]?.id;
  if (first) await run(first);
  else out.append(h('p', { class: 'muted' }, 'No testing samples.'));
  return () => { live.stop(); browser.stop(); };
}
