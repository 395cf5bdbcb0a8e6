// Features: run the features job with its live log; the feature explorer (2-D PCA of every window), where a
// box or lasso selects windows whose samples are then relabelled, moved or deleted; label suggestions for
// unlabelled samples (nearest labelled cluster or the classifier), reviewed and accepted in one batch.
import { get, post, startJob, followJob, Job, ApiError } from '../api';
import { scatter, Point, Selection } from '../charts';
import { h, clear, card, JobLog, labelColor, labelName, UNLABELLED, seedLabelColors, labelChip, attempt, pct, toast, newestOnly } from '../ui';

const colorOf = labelColor;
const nameOf = labelName;

export async function featuresPage(root: HTMLElement) {
  const log = new JobLog();
  const explorer = h('div', { id: 'explorer' });
  const summary = h('div', { id: 'features-summary' });
  const suggestBox = h('div', { id: 'suggestions' });
  const labelList = h('datalist', { id: 'known-labels' });
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

  // The selection survives a reload (after an edit) by window: sample id and start.
  const selection: Selection = { mode: 'none', points: new Set<Point>() };
  const key = (p: Point) => `${p.data.sample_id}@${p.data.start_ms}`;

  async function load() {
    let f: any;
    try {
      f = await get('/api/features');
    } catch (e) {
      if ((e as ApiError).status === 404) { clear(explorer, h('p', { class: 'muted' }, 'No features yet: generate them.')); clear(summary); return; }
      throw e;
    }
    const labels = Object.keys(f.labels ?? {}).sort();
    seedLabelColors(labels.filter((l) => l));
    clear(labelList, labels.filter((l) => l).map((l) => h('option', { value: l })));
    clear(summary,
      f.stale ? h('div', { class: 'warn-box' }, 'The impulse changed since these features were generated: generate them again.') : null,
      h('p', {}, `${f.samples} samples, ${f.windows} windows, ${f.features_per_window} features per window ` +
        `(${f.computed} computed, ${f.cached} from the cache) in ${f.seconds.toFixed(2)} s.`),
      h('table', { class: 'grid compact' },
        h('thead', {}, h('tr', {}, h('th', {}, 'label'), h('th', { class: 'num' }, 'training windows'), h('th', { class: 'num' }, 'testing windows'))),
        h('tbody', {}, labels.map((l) => h('tr', {}, h('td', {}, labelChip(l)), h('td', { class: 'num' }, f.labels[l].training), h('td', { class: 'num' }, f.labels[l].testing))))));
    const pts: Point[] = f.projection.points.map((p: any) => ({ x: p.x, y: p.y, color: colorOf(p.label), label: p.label, data: p }));
    const before = new Set([...selection.points].map(key));
    selection.points = new Set(pts.filter((p) => before.has(key(p))));
    const ex = f.projection.explained as number[];
    const width = Math.min(820, Math.max(300, explorer.clientWidth || 820));
    const chart = scatter(pts, {
      width, height: Math.round(width * 0.56), selection,
      describe: (p) => `sample ${p.data.sample_id} · ${nameOf(p.label)} · ${p.data.category} · window at ${p.data.start_ms} ms`,
      onClick: (p) => { location.hash = `#/data?sample=${p.data.sample_id}`; },
    });
    selection.onChange = () => showSelection();
    // Tools: buttons, so a keyboard reaches them; "select label" picks points without a pointer.
    const tool = (mode: Selection['mode'], text: string, hint: string) => h('button', {
      class: `small tool${selection.mode === mode ? ' active' : ''}`, 'data-tool': mode, title: hint, 'aria-pressed': String(selection.mode === mode),
      onclick: (ev: Event) => {
        selection.mode = mode;
        for (const b of tools.querySelectorAll('button')) { b.classList.toggle('active', b === ev.currentTarget); b.setAttribute('aria-pressed', String(b === ev.currentTarget)); }
      },
    }, text);
    const tools = h('div', { class: 'row', id: 'explorer-tools' }, h('span', { class: 'muted' }, 'Select:'),
      tool('none', 'Point', 'hover a window; click opens its sample'),
      tool('box', 'Box', 'drag a rectangle (shift adds to the selection)'),
      tool('lasso', 'Lasso', 'draw around windows (shift adds to the selection)'));
    const byLabel = h('select', { id: 'select-label', 'aria-label': 'select the windows of a label' },
      h('option', { value: '' }, 'all windows of label…'), labels.map((l) => h('option', { value: l || UNLABELLED }, nameOf(l))));
    byLabel.addEventListener('change', () => {
      if (!byLabel.value) return;
      const want = byLabel.value === UNLABELLED ? '' : byLabel.value;
      selection.points = new Set(pts.filter((p) => p.label === want));
      byLabel.value = '';
      selection.redraw?.();
      showSelection();
    });
    tools.append(byLabel);
    clear(explorer,
      h('p', { class: 'muted' }, `PCA of standardized features: the axes explain ${pct(ex[0])} and ${pct(ex[1])} of the variance. Hover a point to see its window; choose Box or Lasso and drag to select windows, then relabel, move or delete their samples.`),
      tools, chart,
      h('div', { class: 'legend' }, labels.map((l) => h('span', {}, h('i', { style: { background: colorOf(l) } }), nameOf(l)))),
      selectionBar);
    showSelection();
  }

  const selectionBar = h('div', { id: 'selection', class: 'selection-bar' });
  const sampleIds = () => [...new Set([...selection.points].map((p) => p.data.sample_id as number))];

  function showSelection() {
    const ids = sampleIds();
    if (!ids.length) { clear(selectionBar, h('p', { class: 'muted' }, 'No windows selected.')); return; }
    const input = h('input', { type: 'text', id: 'relabel-to', list: 'known-labels', placeholder: 'new label', 'aria-label': 'new label for the selected samples', maxLength: 200 });
    const act = async (what: string, path: string, body: object, done: string) => {
      const r = await attempt(() => post(path, { ids, ...body }), done);
      if (r) await load();
      return r;
    };
    const relabel = () => {
      const label = input.value.trim();
      if (!label) { toast('type the new label first', 'error'); input.focus(); return; }
      act('relabel', '/api/samples/label', { label }, `relabelled ${ids.length} samples to ${label}`);
    };
    input.addEventListener('keydown', (e) => { if (e.key === 'Enter') relabel(); });
    clear(selectionBar,
      h('p', {}, h('b', { id: 'selection-count', 'data-windows': selection.points.size, 'data-samples': ids.length, 'data-ids': [...ids].sort((a, b) => a - b).join(' ') }, `${selection.points.size} windows of ${ids.length} samples selected`), ' ',
        h('button', { class: 'small ghost', id: 'clear-selection', onclick: () => { selection.points.clear(); selection.redraw?.(); showSelection(); } }, 'Clear')),
      h('div', { class: 'row' }, input, h('button', { class: 'primary', id: 'relabel-selected', onclick: relabel }, 'Relabel'),
        h('button', { id: 'move-training', onclick: () => act('move', '/api/samples/move', { category: 'training' }, `moved ${ids.length} samples to training`) }, 'Move to training'),
        h('button', { id: 'move-testing', onclick: () => act('move', '/api/samples/move', { category: 'testing' }, `moved ${ids.length} samples to testing`) }, 'Move to testing'),
        h('button', { class: 'danger', id: 'delete-selected', onclick: () => {
          if (!confirm(`Delete ${ids.length} samples (every window of them)?`)) return;
          selection.points.clear();
          act('delete', '/api/samples/remove', {}, `deleted ${ids.length} samples`);
        } }, 'Delete samples')),
      h('p', { class: 'muted' }, 'Edits apply to whole samples: every window of a selected sample. Retrain for the model to learn them.'));
  }

  // Suggestions for unlabelled samples, reviewed in a table and accepted in one request.
  const method = h('select', { id: 'suggest-method', 'aria-label': 'how to suggest labels' },
    h('option', { value: 'cluster' }, 'nearest labelled cluster'), h('option', { value: 'model' }, 'the current classifier'));
  const minConf = h('input', { type: 'number', id: 'suggest-min', min: 0, max: 100, step: 1, value: 60, 'aria-label': 'check suggestions at or above this confidence (%)' });
  // The classifier's suggestions take longer than the clusters': only the last asked for draws.
  const suggestLoad = newestOnly();
  async function suggest() {
    const fresh = suggestLoad();
    const r = await attempt(() => get(`/api/samples/suggest-labels?method=${method.value}`));
    if (!r || !fresh()) return;
    if (!r.suggestions.length) { clear(suggestBox, h('p', { class: 'muted', id: 'no-suggestions' }, r.unlabelled ? 'The unlabelled samples are shorter than one window.' : 'No unlabelled samples: every sample has a label.')); return; }
    const rows = r.suggestions.map((s: any) => {
      const check = h('input', { type: 'checkbox', checked: s.confidence * 100 >= Number(minConf.value), 'aria-label': `accept ${s.name}` });
      const label = h('input', { type: 'text', value: s.label, list: 'known-labels', 'aria-label': `label for ${s.name}`, maxLength: 200 });
      return { s, check, label, tr: h('tr', { 'data-sample': s.id }, h('td', {}, check), h('td', {}, s.name), h('td', {}, s.category),
        h('td', {}, label), h('td', { class: 'num' }, pct(s.confidence)), h('td', { class: 'num' }, s.windows)) };
    });
    const accept = h('button', { class: 'primary', id: 'accept-suggestions', onclick: async () => {
      const labels = rows.filter((x: any) => x.check.checked && x.label.value.trim()).map((x: any) => ({ id: x.s.id, label: x.label.value.trim() }));
      if (!labels.length) { toast('check at least one suggestion', 'error'); return; }
      const ok = await attempt(() => post('/api/samples/labels', { labels }), `labelled ${labels.length} samples`);
      if (ok) { await suggest(); await load(); }
    } }, 'Accept checked');
    clear(suggestBox,
      h('p', { class: 'muted' }, `${r.suggestions.length} unlabelled samples, most confident first` + (r.block ? ` (classifier ${r.block})` : '') + '. Edit a label before accepting if it is wrong.'),
      h('table', { class: 'grid', id: 'suggestions-table' },
        h('thead', {}, h('tr', {}, h('th', {}, 'accept'), h('th', {}, 'sample'), h('th', {}, 'category'), h('th', {}, 'label'), h('th', { class: 'num' }, 'confidence'), h('th', { class: 'num' }, 'windows'))),
        h('tbody', {}, rows.map((x: any) => x.tr))),
      h('div', { class: 'row' }, accept));
  }

  root.append(labelList,
    card('Generate features', h('p', { class: 'muted' }, 'Windows every sample, runs the DSP blocks (cached per sample and impulse) and projects the features to 2-D.'), button, log.el),
    card('Summary', summary), card('Feature explorer', explorer),
    card('Label unlabelled samples', h('p', { class: 'muted' }, 'Samples imported without a label are left out of training and testing. Suggest their labels from the nearest labelled cluster (no model needed) or from the current classifier, review, and accept them in one batch.'),
      h('div', { class: 'row' }, method, h('label', { for: 'suggest-min' }, 'check at ≥'), minConf, h('span', { class: 'muted' }, '%'),
        h('button', { id: 'suggest-labels', onclick: suggest }, 'Suggest labels')), suggestBox));
  const running = await get<{ jobs: Job[] }>('/api/jobs?kind=features&limit=1');
  const last = running.jobs[0];
  if (last && (last.state === 'running' || last.state === 'queued')) follow(last.id);
  await load();
  return () => stop?.();
}
