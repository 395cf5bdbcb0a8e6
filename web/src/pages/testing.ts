// Model testing: per-sample results of the last test run (classifier predictions and confidences).
import { get, startJob, followJob, Job, ApiError } from '../api';
import { h, clear, card, JobLog, attempt, pct, labelChip, badge } from '../ui';

export async function testingPage(root: HTMLElement) {
  const log = new JobLog();
  const table = h('div', { id: 'test-results' });
  let stop: (() => void) | undefined;
  let filter = 'all';
  const btn = h('button', { class: 'primary', id: 'test-run', onclick: async () => {
    const id = await attempt(() => startJob('test'));
    if (id === undefined) return;
    btn.disabled = true;
    log.reset(`test job ${id} running`);
    stop = followJob(id, { onLog: (l) => log.line(l), onProgress: (p) => log.setProgress(p),
      onState: (j: Job) => { log.done(j.state, j.error); btn.disabled = false; if (j.state === 'done') load(); } });
  } }, 'Evaluate on testing set');
  const sel = h('select', { onchange: () => { filter = sel.value; load(); } },
    h('option', { value: 'all' }, 'all samples'), h('option', { value: 'wrong' }, 'wrong or uncertain'), h('option', { value: 'right' }, 'correct'));

  async function load() {
    let t: any;
    try {
      t = await get('/api/test');
    } catch (e) {
      if ((e as ApiError).status === 404) { clear(table, h('p', { class: 'muted' }, 'No test run yet.')); return; }
      throw e;
    }
    const cls = t.blocks.find((b: any) => b.type === 'classifier');
    if (!cls) { clear(table, h('p', { class: 'muted' }, 'The impulse has no classifier; see the Training page for anomaly figures.')); return; }
    const known = new Set(cls.confusion.rows as string[]);
    const rows = (cls.predictions as any[]).filter((p) => {
      const ok = p.prediction === p.label;
      return filter === 'all' || (filter === 'right' ? ok : !ok && known.has(p.label));
    });
    clear(table,
      h('p', {}, `${pct(cls.accuracy)} of ${cls.samples} samples correct (test job ${t.job}). Samples whose label the classifier never saw are shown but not scored.`),
      h('table', { class: 'grid', id: 'prediction-table' },
        h('thead', {}, h('tr', {}, h('th', {}, 'sample'), h('th', {}, 'label'), h('th', {}, 'prediction'), h('th', { class: 'num' }, 'confidence'), h('th', { class: 'num' }, 'windows'), h('th', {}, ''))),
        h('tbody', {}, rows.map((p) => h('tr', {},
          h('td', {}, h('a', { href: `#/data?sample=${p.sample_id}` }, `#${p.sample_id}`), ' ', h('a', { href: `#/classify?sample=${p.sample_id}`, class: 'muted' }, 'windows')),
          h('td', {}, labelChip(p.label)), h('td', {}, p.prediction), h('td', { class: 'num' }, pct(p.confidence)), h('td', { class: 'num' }, p.windows),
          h('td', {}, !known.has(p.label) ? badge('unknown label', 'queued') : p.prediction === p.label ? badge('correct', 'done') : badge('wrong', 'failed')))))));
  }

  root.append(card('Evaluate', btn, log.el), card('Per-sample results', h('div', { class: 'row' }, sel), table));
  await load();
  return () => stop?.();
}
