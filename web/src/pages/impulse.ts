// Impulse design: the input, DSP and learning blocks as forms drawn from the blocks' parameter schema (JSON
// stays one click away), a live DSP preview of the impulse being edited, and the sizes once saved. The server
// validates; its one-line errors land on the field they name.
import { get, put, ApiError } from '../api';
import { h, clear, card, fmtBytes, toast } from '../ui';
import { schemas, fields, field, showFieldError, clearFieldErrors, Schemas, BlockSchema } from '../forms';
import { previewCard } from '../preview';

interface ImpulseView {
  impulse: any;
  set: boolean;
  why: string[];
  features_per_window: number;
  blocks: { name: string; features: number; shape: number[]; ram_bytes: number }[];
  hash: string;
}

const LEARN_TYPES = ['classifier', 'regression', 'kmeans', 'gmm', 'random_forest', 'gradient_boosting'];

export async function impulsePage(root: HTMLElement, params: URLSearchParams) {
  let view: ImpulseView, schema: Schemas;
  try {
    [view, schema] = await Promise.all([get<ImpulseView>('/api/impulse'), schemas()]);
  } catch (e) {
    root.append(h('div', { class: 'error-box' }, (e as Error).message));
    return;
  }
  const errors = h('div', { id: 'impulse-errors' });
  const sizes = h('div', { id: 'impulse-sizes' });
  const form = h('div', { id: 'impulse-form' });
  const jsonArea = h('textarea', { id: 'impulse-json', rows: 24, spellcheck: false, hidden: true, 'aria-label': 'impulse JSON' });
  let spec = structuredClone(view.impulse);
  let jsonMode = false;

  const schemaOf = (list: BlockSchema[], type: string) => list.find((s) => s.type === type);
  const preview = previewCard(() => spec, (msg) => showError(msg, false), () => {
    if (saving) return;
    clearFieldErrors(form);
    if (!lastSaveError) clear(errors);  // a failed save's message stays until the next save
  });
  const changed = () => preview.schedule();
  let saving = false, lastSaveError = '';

  function clearErrors() {
    lastSaveError = '';
    clear(errors);
    clearFieldErrors(form);
  }
  function showError(msg: string, fromSave: boolean) {
    if (!fromSave && msg === lastSaveError) return;  // the preview repeats what saving said: keep it as it is
    lastSaveError = fromSave ? msg : '';
    clear(errors);
    const onField = !jsonMode && showFieldError(form, msg);
    errors.append(h('div', { class: fromSave || !onField ? 'error-box' : 'warn-box' }, msg));
  }

  const drawSizes = (v: ImpulseView) => clear(sizes,
    h('table', { class: 'grid' },
      h('thead', {}, h('tr', {}, h('th', {}, 'DSP block'), h('th', {}, 'output shape'), h('th', { class: 'num' }, 'features'), h('th', { class: 'num' }, 'device RAM'))),
      h('tbody', {}, v.blocks.map((b) => h('tr', {}, h('td', {}, b.name), h('td', {}, b.shape.join(' × ')), h('td', { class: 'num' }, b.features), h('td', { class: 'num' }, fmtBytes(b.ram_bytes)))),
        h('tr', { class: 'total' }, h('td', {}, 'per window'), h('td', {}, ''), h('td', { class: 'num' }, v.features_per_window),
          h('td', { class: 'num' }, fmtBytes(v.blocks.reduce((a, b) => a + b.ram_bytes, 0)))))),
    h('p', { class: 'muted' }, `impulse ${v.hash.slice(0, 12)}${v.set ? '' : ' (suggested, not saved yet)'}`));

  const namesField = (b: any, key: string, label: string, path: string) =>
    field({ name: key, type: 'names', default: [], unit: '', help: label }, b, path, changed);

  function blockEditor(list: any[], i: number, kind: 'dsp' | 'learn') {
    const b = list[i];
    b.params ??= {};
    const path = `impulse.${kind}[${i}]`;
    const s = schemaOf(kind === 'dsp' ? schema.dsp : schema.learn, b.type);
    let body: HTMLElement;
    if (s) {
      body = fields(s, b.params, `${path}.params`, changed);
    } else {
      const area = h('textarea', { rows: Math.min(12, Math.max(3, JSON.stringify(b.params, null, 2).split('\n').length)), spellcheck: false,
        'data-path': `${path}.params`, 'aria-label': `${b.name} parameters` }, JSON.stringify(b.params, null, 2));
      area.addEventListener('input', () => {
        try { b.params = JSON.parse(area.value); area.classList.remove('bad'); changed(); } catch { area.classList.add('bad'); }
      });
      body = h('div', { class: 'field wide' }, h('label', {}, 'parameters (JSON; see docs/learn.md)'), area,
        h('div', { class: 'field-error', 'data-error-for': `${path}.params` }));
    }
    const inputs = kind === 'learn' ? namesField(b, 'dsp', 'DSP blocks it reads (empty: all)', `${path}.dsp`)
      : namesField(b, 'axes', 'axes it reads (empty: all)', `${path}.axes`);
    return h('div', { class: `block ${kind}`, 'data-block': b.name },
      h('div', { class: 'block-head' }, h('b', {}, b.name), h('span', { class: 'muted' }, b.type),
        h('button', { class: 'ghost small', 'aria-label': `remove ${b.name}`, onclick: () => { list.splice(i, 1); draw(); changed(); } }, 'remove')),
      s ? h('p', { class: 'muted summary' }, s.summary) : null,
      inputs, body,
      h('div', { class: 'field-error', 'data-error-for': path }), h('div', { class: 'field-error', 'data-error-for': `${path}.type` }));
  }

  function addBlock(kind: 'dsp' | 'learn') {
    const types = kind === 'dsp' ? schema.dsp.map((s) => s.type) : LEARN_TYPES;
    const sel = h('select', { 'aria-label': `new ${kind} block type`, id: `add-${kind}-type` }, types.map((t) => h('option', { value: t }, t)));
    const name = h('input', { placeholder: 'name', 'aria-label': `new ${kind} block name` });
    return h('div', { class: 'row add' }, sel, name, h('button', { class: 'small', id: `add-${kind}`, onclick: () => {
      let n = name.value.trim() || sel.value;
      const taken = new Set([...(spec.dsp ?? []), ...(spec.learn ?? [])].map((b: any) => b.name));
      for (let k = 2; taken.has(n); ++k) n = `${name.value.trim() || sel.value}${k}`;
      (spec[kind] ??= []).push({ name: n, type: sel.value, params: {} });
      draw();
      changed();
    } }, `add ${kind === 'dsp' ? 'DSP' : 'learning'} block`));
  }

  function draw() {
    const input = spec.input;
    const inSchema = schemaOf(schema.input, input.type)!;
    const typeSel = h('select', { id: 'input-type', 'aria-label': 'input type', onchange: (e: Event) => {
      spec.input = { type: (e.target as HTMLSelectElement).value };
      draw(); changed();
    } }, schema.input.map((s) => h('option', { value: s.type, selected: s.type === input.type }, s.type)));
    const inputFields = fields(inSchema, input, 'impulse.input', changed);
    inputFields.id = 'input-fields';
    clear(form,
      h('div', { class: 'pipeline' },
        card('Input', h('label', {}, 'type', typeSel), h('p', { class: 'muted summary' }, inSchema.summary), inputFields),
        card('DSP blocks', (spec.dsp ?? []).map((_: any, i: number) => blockEditor(spec.dsp, i, 'dsp')), addBlock('dsp')),
        card('Learning blocks', (spec.learn ?? []).map((_: any, i: number) => blockEditor(spec.learn, i, 'learn')), addBlock('learn'))));
  }

  const modeBtn = h('button', { class: 'ghost', id: 'json-toggle', 'aria-pressed': 'false', onclick: () => {
    if (jsonMode) {
      try { spec = JSON.parse(jsonArea.value); } catch { toast('the JSON does not parse; fix it first', 'error'); return; }
    }
    jsonMode = !jsonMode;
    modeBtn.setAttribute('aria-pressed', String(jsonMode));
    modeBtn.textContent = jsonMode ? 'Back to the form' : 'Edit as JSON (advanced)';
    form.hidden = jsonMode;
    jsonArea.hidden = !jsonMode;
    if (jsonMode) jsonArea.value = JSON.stringify(spec, null, 2); else draw();
  } }, 'Edit as JSON (advanced)');
  jsonArea.addEventListener('input', () => {
    try { spec = JSON.parse(jsonArea.value); jsonArea.classList.remove('bad'); changed(); } catch { jsonArea.classList.add('bad'); }
  });

  async function save() {
    clearErrors();
    if (jsonMode) {
      try { spec = JSON.parse(jsonArea.value); } catch { errors.append(h('div', { class: 'error-box' }, 'the JSON does not parse; fix it first')); return; }
    }
    saving = true;
    try {
      view = await put<ImpulseView>('/api/impulse', spec);
      spec = structuredClone(view.impulse);
      if (jsonMode) jsonArea.value = JSON.stringify(spec, null, 2); else draw();
      drawSizes(view);
      toast('impulse saved; generate features next');
      changed();
    } catch (e) {
      showError((e as ApiError).message, true);
    } finally {
      saving = false;
    }
  }

  if (!view.set) root.append(card('Suggested from your data', h('ul', { class: 'plain' }, view.why.map((w) => h('li', {}, w)))));
  root.append(h('div', { class: 'row toolbar' },
    h('button', { class: 'primary', id: 'save-impulse', onclick: save }, view.set ? 'Save impulse' : 'Save suggested impulse'),
    h('button', { class: 'ghost', id: 'revert-impulse', onclick: async () => {
      view = await get('/api/impulse'); spec = structuredClone(view.impulse); clearErrors();
      if (jsonMode) jsonArea.value = JSON.stringify(spec, null, 2); else draw();
      drawSizes(view); changed();
    } }, 'Revert'), modeBtn),
    errors, form, jsonArea, preview.el, card('Sizes (saved impulse)', sizes));
  draw();
  drawSizes(view);
  const sample = Number(params.get('sample')) || undefined;
  await preview.load(sample);
}
