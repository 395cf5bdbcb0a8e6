// Data acquisition: filtered, paged sample list; upload; one sample's signal per axis; edits; train/test balance.
import { get, post, del, LabelCounts, Sample, SampleMeta } from '../api';
import { lineChart } from '../charts';
import { h, clear, card, labelChip, labelName, UNLABELLED, seedLabelColors, attempt, toast, pct, newestOnly } from '../ui';

const PAGE_SIZE = 20;
const AXIS_COLORS = ['#2563eb', '#dc2626', '#16a34a', '#d97706', '#7c3aed', '#0891b2'];

export async function dataPage(root: HTMLElement, params: URLSearchParams) {
  const state = {
    label: params.get('label') ?? '',
    category: params.get('category') ?? '',
    name: '',
    offset: 0,
    selected: new Set<number>(),
    open: Number(params.get('sample')) || 0,
  };
  const balance = h('div', { id: 'balance' });
  const labelSelect = h('select', { id: 'filter-label', onchange: () => { state.label = labelSelect.value; state.offset = 0; refresh(); } });
  const catSelect = h('select', { id: 'filter-category', onchange: () => { state.category = catSelect.value; state.offset = 0; refresh(); } },
    h('option', { value: '' }, 'all categories'), h('option', { value: 'training' }, 'training'), h('option', { value: 'testing' }, 'testing'));
  catSelect.value = state.category;
  let nameTimer = 0;
  const nameInput = h('input', { id: 'filter-name', type: 'search', placeholder: 'name contains…', oninput: () => {
    clearTimeout(nameTimer);
    nameTimer = window.setTimeout(() => { state.name = nameInput.value; state.offset = 0; refresh(); }, 250);
  } });
  const tbody = h('tbody', {});
  let pageIds: number[] = [];
  const allBox = h('input', { type: 'checkbox', id: 'select-page', title: 'select this page', onchange: () => {
    for (const id of pageIds) allBox.checked ? state.selected.add(id) : state.selected.delete(id);
    for (const b of tbody.querySelectorAll<HTMLInputElement>('input[type=checkbox]')) b.checked = allBox.checked;
    drawBulk();
  } });
  const pager = h('div', { class: 'pager' });
  const bulk = h('div', { class: 'bulk' });
  const detail = h('div', { id: 'sample-detail' });

  // Upload: drag-and-drop or the file input, through the ingestion API (the session cookie authorizes it).
  const fileInput = h('input', { type: 'file', id: 'upload-input', multiple: true, onchange: () => fileInput.files && upload(fileInput.files) });
  const upCategory = h('select', { id: 'upload-category' }, h('option', { value: 'training' }, 'training'), h('option', { value: 'testing' }, 'testing'));
  const upLabel = h('input', { id: 'upload-label', placeholder: 'label (default: from the file name)' });
  const drop = h('div', { class: 'drop', id: 'drop-zone' },
    h('p', {}, 'Drop acquisition JSON/CBOR, CSV, WAV or images here, or ', h('label', { class: 'link' }, 'choose files', fileInput)),
    h('div', { class: 'row' }, upCategory, upLabel));
  drop.addEventListener('dragover', (e) => { e.preventDefault(); drop.classList.add('over'); });
  drop.addEventListener('dragleave', () => drop.classList.remove('over'));
  drop.addEventListener('drop', (e) => { e.preventDefault(); drop.classList.remove('over'); if (e.dataTransfer?.files.length) upload(e.dataTransfer.files); });

  async function upload(files: FileList) {
    const form = new FormData();
    for (const f of Array.from(files)) form.append('data', f, f.name);
    const headers: Record<string, string> = {};
    if (upLabel.value.trim()) headers['x-label'] = upLabel.value.trim();
    const r = await attempt(() => post(`/api/${upCategory.value}/files`, form, headers));
    fileInput.value = '';
    if (r) {
      toast(`stored ${r.files.length} sample${r.files.length === 1 ? '' : 's'}`);
      await refresh();
    }
  }

  root.append(
    h('div', { class: 'cols' }, card('Train / test balance', balance), card('Upload', drop)),
    card('Samples',
      h('div', { class: 'row filters' }, labelSelect, catSelect, nameInput),
      bulk,
      h('table', { class: 'grid samples', id: 'sample-table' },
        h('thead', {}, h('tr', {}, h('th', {}, allBox), h('th', {}, 'name'), h('th', {}, 'label'), h('th', {}, 'category'), h('th', { class: 'num' }, 'length'), h('th', {}, 'added'))),
        tbody),
      pager),
    detail);

  // A filter typed a letter at a time, or pages clicked quickly: only the newest list draws.
  const listLoad = newestOnly();
  async function refresh() {
    const fresh = listLoad();
    const labels = await get<LabelCounts>('/api/labels');
    if (!fresh()) return;
    seedLabelColors(labels.labels.map((l) => l.label));
    const keep = state.label;
    clear(labelSelect, h('option', { value: '' }, 'all labels'), labels.labels.map((l) => h('option', { value: l.label || UNLABELLED }, labelName(l.label))));
    labelSelect.value = keep;
    drawBalance(labels);
    const q = new URLSearchParams({ limit: String(PAGE_SIZE), offset: String(state.offset) });
    if (state.label) q.set('label', state.label === UNLABELLED ? '' : state.label);
    if (state.category) q.set('category', state.category);
    if (state.name) q.set('name', state.name);
    const page = await get<{ total: number; samples: SampleMeta[] }>(`/api/samples?${q}`);
    if (!fresh()) return;
    pageIds = page.samples.map((s) => s.id);
    allBox.checked = pageIds.length > 0 && pageIds.every((id) => state.selected.has(id));
    clear(tbody, page.samples.map((s) => {
      const box = h('input', { type: 'checkbox', checked: state.selected.has(s.id), onclick: (e: Event) => e.stopPropagation(),
        onchange: () => { box.checked ? state.selected.add(s.id) : state.selected.delete(s.id); drawBulk(); } });
      return h('tr', { 'data-id': s.id, class: s.id === state.open ? 'open' : '', onclick: () => openSample(s.id) },
        h('td', {}, box), h('td', { class: 'name' }, s.name), h('td', {}, labelChip(s.label)), h('td', {}, s.category),
        h('td', { class: 'num' }, s.length_ms !== undefined ? `${(s.length_ms / 1000).toFixed(2)} s` : `${s.width}×${s.height}`),
        h('td', { class: 'muted' }, s.created_at.replace('T', ' ').replace('Z', '')));
    }));
    if (!page.samples.length) tbody.append(h('tr', {}, h('td', { colSpan: 6, class: 'muted' }, 'No samples match.')));
    const last = Math.min(page.total, state.offset + PAGE_SIZE);
    clear(pager,
      h('button', { id: 'page-prev', disabled: state.offset === 0, onclick: () => { state.offset = Math.max(0, state.offset - PAGE_SIZE); refresh(); } }, '‹ previous'),
      h('span', { id: 'page-info' }, page.total ? `${state.offset + 1}–${last} of ${page.total}` : '0 samples'),
      h('button', { id: 'page-next', disabled: last >= page.total, onclick: () => { state.offset += PAGE_SIZE; refresh(); } }, 'next ›'));
    drawBulk();
  }

  function drawBalance(l: LabelCounts) {
    const total = l.training + l.testing || 1;
    clear(balance,
      h('div', { class: 'split' },
        h('span', { class: 'train', style: { width: `${(100 * l.training) / total}%` } }, `training ${l.training}`),
        h('span', { class: 'test', style: { width: `${(100 * l.testing) / total}%` } }, `testing ${l.testing}`)),
      h('p', { class: 'muted' }, `${pct(1 - l.test_fraction)} / ${pct(l.test_fraction)}. Usual: 80 / 20.`),
      h('button', { onclick: async () => {
        if (await attempt(() => post('/api/samples/split', { fraction: 0.2 }), 're-split 80/20 by label')) refresh();
      } }, 'Re-split 80 / 20'));
  }

  function drawBulk() {
    const ids = [...state.selected];
    if (!ids.length) { clear(bulk); return; }
    const lab = h('input', { placeholder: 'new label', id: 'bulk-label' });
    clear(bulk, h('b', {}, `${ids.length} selected`),
      lab, h('button', { onclick: () => edit('/api/samples/label', { ids, label: lab.value.trim() }, 'relabelled') }, 'Set label'),
      h('button', { onclick: () => edit('/api/samples/move', { ids, category: 'training' }, 'moved to training') }, '→ training'),
      h('button', { onclick: () => edit('/api/samples/move', { ids, category: 'testing' }, 'moved to testing') }, '→ testing'),
      h('button', { class: 'danger', onclick: () => confirm(`Delete ${ids.length} samples?`) && edit('/api/samples/remove', { ids }, 'deleted', true) }, 'Delete'),
      h('button', { class: 'ghost', onclick: () => { state.selected.clear(); refresh(); } }, 'Clear selection'));
  }

  async function edit(path: string, body: object, ok: string, removes = false) {
    if (await attempt(() => post(path, body), ok)) {
      if (removes) state.selected.clear();
      await refresh();
      if (state.open) openSample(state.open);
    }
  }

  async function openSample(id: number) {
    state.open = id;
    for (const tr of tbody.querySelectorAll('tr')) tr.classList.toggle('open', Number(tr.dataset.id) === id);
    let s: Sample;
    try {
      s = await get<Sample>(`/api/samples/${id}`);
    } catch (e) {
      clear(detail);
      state.open = 0;
      return;
    }
    const nameIn = h('input', { value: s.name, id: 'sample-name' });
    const labelIn = h('input', { value: s.label, id: 'sample-label' });
    const start = h('input', { type: 'number', value: '0', min: '0', step: '10', id: 'crop-start' });
    const end = h('input', { type: 'number', value: String(s.length_ms ?? 0), min: '0', step: '10', id: 'crop-end' });
    const after = async (ok: boolean) => { if (ok) { await refresh(); await openSample(id); } };
    let plot: HTMLElement;
    if (s.values && s.values.length) {
      const axes = s.sensors?.length ?? s.values[0].length;
      const x = s.values.map((_, i) => (i * (s.interval_ms ?? 1)) / 1000);
      plot = lineChart(Array.from({ length: axes }, (_, a) => ({
        name: s.sensors?.[a] ? `${s.sensors[a].name}${s.sensors[a].units ? ` (${s.sensors[a].units})` : ''}` : `axis ${a}`,
        color: AXIS_COLORS[a % AXIS_COLORS.length], x, y: s.values!.map((f) => f[a]) })), { xlabel: 's', height: 260, width: 900 });
      plot.id = 'signal-plot';
    } else if (s.image) {
      plot = h('img', { src: s.image, class: 'sample-image', id: 'signal-plot' });
    } else plot = h('p', { class: 'muted' }, 'No data.');
    clear(detail, card(`Sample ${s.id}: ${s.name}`,
      h('p', { class: 'muted' }, `${labelName(s.label)} · ${s.category} · ${s.kind}` +
        (s.frames !== undefined ? ` · ${s.frames} frames at ${s.frequency_hz?.toFixed(1)} Hz (${((s.length_ms ?? 0) / 1000).toFixed(2)} s)` : '')),
      plot,
      h('div', { class: 'edit-grid' },
        h('label', {}, 'Name', nameIn, h('button', { id: 'rename-btn', onclick: async () => after(!!(await attempt(() => post(`/api/samples/${id}/rename`, { name: nameIn.value.trim() }), 'renamed'))) }, 'Rename')),
        h('label', {}, 'Label', labelIn, h('button', { id: 'relabel-btn', onclick: async () => after(!!(await attempt(() => post('/api/samples/label', { ids: [id], label: labelIn.value.trim() }), 'label saved'))) }, 'Set label')),
        h('label', {}, 'Category',
          h('button', { id: 'move-btn', onclick: async () => after(!!(await attempt(() => post('/api/samples/move', { ids: [id], category: s.category === 'training' ? 'testing' : 'training' }), 'moved'))) },
            `Move to ${s.category === 'training' ? 'testing' : 'training'}`)),
        s.frames !== undefined ? h('label', {}, 'Crop (ms)', start, '–', end,
          h('button', { id: 'crop-btn', onclick: async () => after(!!(await attempt(() => post(`/api/samples/${id}/crop`, { start_ms: Number(start.value), end_ms: Number(end.value) }), 'cropped'))) }, 'Crop')) : null,
        h('label', {}, 'Remove', h('button', { class: 'danger', id: 'delete-btn', onclick: async () => {
          if (!confirm(`Delete sample ${s.name}?`)) return;
          if (await attempt(() => del(`/api/samples/${id}`), 'deleted')) { clear(detail); state.open = 0; refresh(); }
        } }, 'Delete sample')),
        h('a', { href: `/api/samples/${id}/acquisition.json`, class: 'link' }, 'download JSON'))));
  }

  await refresh();
  if (state.open) await openSample(state.open);
}
