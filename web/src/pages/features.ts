// Features: run the features job with its live log; the feature explorer (2-D PCA of every window).
import { get, startJob, followJob, Job, ApiError } from '../api';
import { scatter } from '../charts';
import { h, clear, card, JobLog, labelColor, seedLabelColors, labelChip, attempt, pct } from '../ui';

export async function featuresPage(root: HTMLElement) {
  const log = new JobLog();
  const explorer = h('div', { id: 'explorer' });
  const summary = h('div', { id: 'features-summary' });
  let stop: (() => void) | undefined;
  const button = h('button', { class: 'primary', id: 'generate-features', onclick: async () => {
    const id = await attempt(() => startJob('features'));
    if (id !== undefined) follow(id);
  } }, 'Generate features');

  function follow(id: number) {
    stop?.();
    button.disabled = true;
    log.reset(`features job ${id} running`);
    stop = followJob(id, {
      onLog: (l) => log.line(l),
      onProgress: (p) => log.setProgress(p),
      onState: (j: Job) => { log.done(j.state, j.error); button.disabled = false; if (j.state === 'done') load(); },
    });
  }

  async function load() {
    let f: any;
    try {
      f = await get('/api/features');
    } catch (e) {
      if ((e as ApiError).status === 404) { clear(explorer, h('p', { class: 'muted' }, 'No features yet: generate them.')); clear(summary); return; }
      throw e;
    }
    const labels = Object.keys(f.labels ?? {});
    seedLabelColors(labels);
    clear(summary,
      f.stale ? h('div', { class: 'warn-box' }, 'The impulse changed since these features were generated: generate them again.') : null,
      h('p', {}, `${f.samples} samples, ${f.windows} windows, ${f.features_per_window} features per window ` +
        `(${f.computed} computed, ${f.cached} from the cache) in ${f.seconds.toFixed(2)} s.`),
      h('table', { class: 'grid compact' },
        h('thead', {}, h('tr', {}, h('th', {}, 'label'), h('th', { class: 'num' }, 'training windows'), h('th', { class: 'num' }, 'testing windows'))),
        h('tbody', {}, labels.map((l) => h('tr', {}, h('td', {}, labelChip(l)), h('td', { class: 'num' }, f.labels[l].training), h('td', { class: 'num' }, f.labels[l].testing))))));
    const pts = f.projection.points.map((p: any) => ({ x: p.x, y: p.y, color: labelColor(p.label), label: p.label, data: p }));
    const ex = f.projection.explained as number[];
    clear(explorer,
      h('p', { class: 'muted' }, `PCA of standardized features: the axes explain ${pct(ex[0])} and ${pct(ex[1])} of the variance. Hover a point to see its window; click to open the sample.`),
      scatter(pts, {
        width: 820, height: 460,
        describe: (p) => `sample ${p.data.sample_id} · ${p.label} · ${p.data.category} · window at ${p.data.start_ms} ms`,
        onClick: (p) => { location.hash = `#/data?sample=${p.data.sample_id}`; },
      }),
      h('div', { class: 'legend' }, labels.map((l) => h('span', {}, h('i', { style: { background: labelColor(l) } }), l))));
  }

  root.append(card('Generate features', h('p', { class: 'muted' }, 'Windows every sample, runs the DSP blocks (cached per sample and impulse) and projects the features to 2-D.'), button, log.el),
    card('Summary', summary), card('Feature explorer', explorer));
  const running = await get<{ jobs: Job[] }>('/api/jobs?kind=features&limit=1');
  const last = running.jobs[0];
  if (last && (last.state === 'running' || last.state === 'queued')) follow(last.id);
  await load();
  return () => stop?.();
}
