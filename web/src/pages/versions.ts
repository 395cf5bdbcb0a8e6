// Versions: save the impulse and its trained models under a name (evaluated on the testing set as it is
// saved), list them, compare two side by side (metrics and the impulse parameters that differ), restore one.
import { get, post, del } from '../api';
import { h, clear, card, attempt, toast, newestOnly } from '../ui';

interface Version {
  name: string; created_at: string; impulse_hash: string;
  blocks: { block: string; type: string; trained_at: string }[];
  metrics: { blocks: Record<string, { type: string; training: Record<string, number>; testing?: Record<string, number> }>; profiles: Record<string, Record<string, number>> };
}

const ratio = new Set(['accuracy', 'window_accuracy', 'macro_f1', 'roc_auc', 'detection_rate', 'false_positive_rate', 'val_accuracy']);
function show(metric: string, v: unknown): string {
  if (typeof v !== 'number') return v === null || v === undefined ? '–' : String(v);
  const key = metric.split(' ').slice(-1)[0];
  if (ratio.has(key)) return `${(100 * v).toFixed(1)} %`;
  if (key.endsWith('bytes')) return `${(v / 1000).toFixed(2)} kB`;
  return Number.isInteger(v) ? v.toLocaleString('en-US') : v.toPrecision(4);
}
const cell = (v: unknown) => typeof v === 'object' && v !== null ? JSON.stringify(v) : v === null || v === undefined ? '–' : String(v);

// The figure a row shows per block: testing accuracy, else ROC AUC, RMSE or validation accuracy.
function headline(v: Version): string {
  return Object.entries(v.metrics.blocks ?? {}).map(([b, m]) => {
    const t = m.testing ?? {};
    const fig = t.accuracy !== undefined ? `accuracy ${show('accuracy', t.accuracy)}` : t.roc_auc !== undefined ? `AUC ${t.roc_auc.toFixed(3)}`
      : t.rmse !== undefined ? `RMSE ${t.rmse.toPrecision(3)}` : m.training?.val_accuracy !== undefined ? `val. ${show('val_accuracy', m.training.val_accuracy)}` : '–';
    return `${b}: ${fig}`;
  }).join(' · ');
}

export async function versionsPage(root: HTMLElement) {
  const list = h('div', { id: 'versions-list' });
  const compareBox = h('div', { id: 'versions-compare' });
  const nameInput = h('input', { type: 'text', id: 'version-name', placeholder: 'e.g. baseline', maxLength: 64, pattern: '[A-Za-z0-9][A-Za-z0-9_.\\-]*', 'aria-label': 'version name' });
  const saveBtn = h('button', { class: 'primary', id: 'save-version', onclick: () => save() }, 'Save version');
  nameInput.addEventListener('keydown', (e) => { if (e.key === 'Enter') save(); });
  let versions: Version[] = [];

  async function save() {
    const name = nameInput.value.trim();
    if (!/^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/.test(name)) { toast('name the version with 1-64 letters, digits, _, . or -, starting with a letter or digit', 'error'); nameInput.focus(); return; }
    saveBtn.disabled = true;
    saveBtn.textContent = 'Saving (evaluating on the testing set)…';
    const r = await attempt(() => post('/api/versions', { name }), `saved version ${name}`);
    saveBtn.disabled = false;
    saveBtn.textContent = 'Save version';
    if (r) { nameInput.value = ''; await load(); }
  }

  // The page's first load and the one after a save or restore may overlap: only the newest draws.
  const listLoad = newestOnly();
  async function load() {
    const fresh = listLoad();
    const all = (await get<{ versions: Version[] }>('/api/versions')).versions;
    if (!fresh()) return;
    versions = all;
    if (!versions.length) { clear(list, h('p', { class: 'muted' }, 'No versions yet: train, then save one above.')); return; }
    const compareBtn = h('button', { id: 'compare-versions', disabled: true, onclick: () => {
      const picked = [...list.querySelectorAll<HTMLInputElement>('input[name=compare]:checked')].map((c) => c.value);
      if (picked.length === 2) compare(picked[1], picked[0]);  // older first
    } }, 'Compare the two checked');
    const onPick = () => {
      const boxes = [...list.querySelectorAll<HTMLInputElement>('input[name=compare]')];
      const n = boxes.filter((b) => b.checked).length;
      compareBtn.disabled = n !== 2;
      for (const b of boxes) b.disabled = !b.checked && n >= 2;
    };
    clear(list, h('div', { class: 'table-scroll' },
      h('table', { class: 'grid', id: 'versions-table' },
        h('thead', {}, h('tr', {}, h('th', {}, 'compare'), h('th', {}, 'name'), h('th', {}, 'saved'), h('th', {}, 'models'), h('th', {}, 'metrics'), h('th', {}, ''))),
        h('tbody', {}, versions.map((v) => h('tr', { 'data-version': v.name },
          h('td', {}, h('input', { type: 'checkbox', name: 'compare', value: v.name, 'aria-label': `compare ${v.name}`, onchange: onPick })),
          h('td', {}, h('b', {}, v.name)),
          h('td', {}, v.created_at.replace('T', ' ').replace('Z', '')),
          h('td', { class: 'wrap' }, v.blocks.map((b) => `${b.block} (${b.type})`).join(', ')),
          h('td', { class: 'version-metrics wrap' }, headline(v)),
          h('td', {},
            h('button', { class: 'small', 'data-action': 'restore', onclick: () => restore(v.name) }, 'Restore'), ' ',
            h('button', { class: 'small danger', 'data-action': 'delete', onclick: () => remove(v.name) }, 'Delete'))))))),
      h('div', { class: 'row' }, compareBtn, h('span', { class: 'muted' }, 'Check two versions to see their metrics side by side.')));
  }

  async function compare(a: string, b: string) {
    const c = await attempt(() => get(`/api/versions/compare?a=${encodeURIComponent(a)}&b=${encodeURIComponent(b)}`));
    if (!c) return;
    clear(compareBox,
      h('table', { class: 'grid compact', id: 'compare-table' },
        h('thead', {}, h('tr', {}, h('th', {}, 'metric'), h('th', { class: 'num' }, a), h('th', { class: 'num' }, b))),
        h('tbody', {}, c.rows.map((r: any) => {
          const differs = JSON.stringify(r.a) !== JSON.stringify(r.b);
          return h('tr', { 'data-metric': r.metric, class: differs ? 'differs' : '' }, h('td', {}, r.metric),
            h('td', { class: 'num' }, show(r.metric, r.a)), h('td', { class: 'num' }, show(r.metric, r.b)));
        }))),
      h('h3', {}, 'Impulse parameters that differ'),
      c.impulse_changes.length
        ? h('table', { class: 'grid compact', id: 'compare-impulse' },
          h('thead', {}, h('tr', {}, h('th', {}, 'parameter'), h('th', { class: 'num' }, a), h('th', { class: 'num' }, b))),
          h('tbody', {}, c.impulse_changes.map((r: any) => h('tr', { 'data-path': r.path }, h('td', {}, r.path), h('td', { class: 'num' }, cell(r.a)), h('td', { class: 'num' }, cell(r.b))))))
        : h('p', { class: 'muted', id: 'compare-impulse' }, 'The two impulses are the same.'));
    compareBox.scrollIntoView({ block: 'nearest' });
  }

  async function restore(name: string) {
    if (!confirm(`Restore version ${name}? The impulse in mote.json, the current models and the samples' labels and split are replaced by the version's (save the current ones first to keep them).`)) return;
    const r = await attempt(() => post<any>(`/api/versions/${encodeURIComponent(name)}/restore`));
    if (!r) return;
    const l = r.labels;
    toast(`restored ${name}: its impulse and models are current` + (l ? `; labels and split as saved (${l.restored} samples changed back${l.added_since ? `, ${l.added_since} added since kept theirs` : ''})` : '; labels untouched (saved before versions kept them)'));
    await load();
  }

  async function remove(name: string) {
    if (!confirm(`Delete version ${name}? The current impulse and models stay.`)) return;
    const r = await attempt(() => del(`/api/versions/${encodeURIComponent(name)}`), `deleted ${name}`);
    if (r) { clear(compareBox); await load(); }
  }

  root.append(
    card('Save a version', h('p', { class: 'muted' }, 'Keeps the impulse and its trained models under a name, with their testing metrics (evaluated now) and the device profiles of this impulse. Restoring one makes it current again.'),
      h('div', { class: 'row' }, h('label', { for: 'version-name' }, 'Name'), nameInput, saveBtn)),
    card('Versions', list),
    card('Compare', compareBox));
  clear(compareBox, h('p', { class: 'muted' }, 'Check two versions above and press Compare.'));
  await load();
}
