// Anomaly: the anomaly block's windows over two chosen features (standardized as its scorer sees them) with
// the k-means centres and radii or the GMM means, and the distribution of the windows' scores against the threshold.
import { get, ApiError } from '../api';
import { scatter, histogram } from '../charts';
import { h, clear, card, labelColor, seedLabelColors, fixed, newestOnly } from '../ui';

export async function anomalyPage(root: HTMLElement, params: URLSearchParams) {
  const view = h('div', { id: 'anomaly-view' });
  root.append(view);
  let block = params.get('block') ?? '';

  const newest = newestOnly();  // features chosen quickly one after another: only the last choice draws
  async function load(x?: number, y?: number) {
    const fresh = newest();
    const q = new URLSearchParams();
    if (block) q.set('block', block);
    if (x !== undefined) q.set('x', String(x));
    if (y !== undefined) q.set('y', String(y));
    let r: any;
    try {
      r = await get(`/api/anomaly?${q}`);
      if (!fresh()) return;
    } catch (e) {
      if (!fresh()) return;
      clear(view, h('div', { class: (e as ApiError).status === 404 ? 'warn-box' : 'error-box' }, (e as Error).message));
      return;
    }
    block = r.block;
    seedLabelColors([...new Set<string>(r.points.map((p: any) => p.label))]);
    const pick = (id: string, value: number) => {
      const s = h('select', { id, onchange: () => load(Number(xs.value), Number(ys.value)) },
        r.features.map((f: any) => h('option', { value: String(f.index) }, f.name)));
      s.value = String(value);
      return s;
    };
    const xs = pick('anomaly-x', r.x), ys = pick('anomaly-y', r.y);
    const blocks = r.blocks.length > 1
      ? h('label', {}, 'block', h('select', { id: 'anomaly-block', onchange: (e: Event) => { block = (e.target as HTMLSelectElement).value; load(); } },
        r.blocks.map((b: string) => h('option', { value: b, selected: b === block }, b))))
      : null;
    const pts = r.points.map((p: any) => ({ x: p.x, y: p.y, color: labelColor(p.label), label: p.label, data: p }));
    const centres = r.centers as { x: number; y: number }[];
    const labels = [...new Set<string>(r.points.map((p: any) => p.label))].sort();
    const plot = scatter(pts, {
      width: 820, height: 460,
      extent: centres,
      describe: (p) => `sample ${p.data.sample_id} · ${p.label} · ${p.data.category} · ${p.data.start_ms} ms · score ${fixed(p.data.score, 3)}`,
      onClick: (p) => { location.hash = `#/data?sample=${p.data.sample_id}`; },
      overlay: (ctx, px, py) => {
        for (const c of centres) {
          const cx = px(c.x), cy = py(c.y);
          const cross = () => { ctx.beginPath(); ctx.moveTo(cx - 7, cy - 7); ctx.lineTo(cx + 7, cy + 7); ctx.moveTo(cx + 7, cy - 7); ctx.lineTo(cx - 7, cy + 7); ctx.stroke(); };
          ctx.strokeStyle = '#fff'; ctx.lineWidth = 5; cross();  // a halo keeps the cross visible over dense points
          ctx.strokeStyle = '#111827'; ctx.lineWidth = 2; cross();
        }
      },
    });
    plot.id = 'anomaly-scatter';
    const hist = histogram([
      { name: 'training windows', color: '#2563eb', counts: r.histogram.training },
      { name: 'testing, trained labels', color: '#16a34a', counts: r.histogram.testing_known },
      { name: 'testing, other labels', color: '#d97706', counts: r.histogram.testing_other },
    ], r.histogram.bin_width, [{ at: r.threshold, color: '#dc2626', name: `threshold ${fixed(r.threshold, 3)}` }], { width: 820, height: 240, xlabel: 'anomaly score' });
    hist.id = 'anomaly-histogram';
    clear(view,
      card('Clusters',
        h('p', { class: 'muted' }, `Block ${r.block} (${r.type}, ${r.k} ${r.type === 'kmeans' ? 'clusters' : 'components'}) over ${r.windows} windows; ` +
          `features standardized as the scorer sees them. ✕ = ${r.type === 'kmeans' ? 'cluster centre ' : 'component mean'}. Click a point to open its sample.`),
        h('div', { class: 'fields' }, blocks, h('label', {}, 'x feature', xs), h('label', {}, 'y feature', ys)),
        plot,
        h('div', { class: 'legend' }, [...labels.map((l) => h('span', {}, h('i', { style: { background: labelColor(l) } }), l)), h('span', {}, '✕ centres')])),
      card('Anomaly score distribution',
        h('p', { class: 'muted' }, 'Every window’s score; windows above the threshold are anomalous. Testing windows of labels the model never trained on should lie to its right.'),
        hist));
  }
  await load(params.has('x') ? Number(params.get('x')) : undefined, params.has('y') ? Number(params.get('y')) : undefined);
}
