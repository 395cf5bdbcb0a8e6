// Impulse design: input windowing, DSP and learning blocks with their parameters; the server validates.
import { get, put, ApiError } from '../api';
import { h, clear, card, fmtBytes, toast } from '../ui';

interface ImpulseView {
  impulse: any;
  set: boolean;
  why: string[];
  features_per_window: number;
  blocks: { name: string; features: number; shape: number[]; ram_bytes: number }[];
  hash: string;
}

export async function impulsePage(root: HTMLElement) {
  let view: ImpulseView;
  try {
    view = await get<ImpulseView>('/api/impulse');
  } catch (e) {
    root.append(h('div', { class: 'error-box' }, (e as Error).message));
    return;
  }
  const errors = h('div', { id: 'impulse-errors' });
  const sizes = h('div', { id: 'impulse-sizes' });
  const form = h('div', {});
  let spec = structuredClone(view.impulse);

  const drawSizes = (v: ImpulseView) => clear(sizes,
    h('table', { class: 'grid' },
      h('thead', {}, h('tr', {}, h('th', {}, 'DSP block'), h('th', {}, 'output shape'), h('th', { class: 'num' }, 'features'), h('th', { class: 'num' }, 'device RAM'))),
      h('tbody', {}, v.blocks.map((b) => h('tr', {}, h('td', {}, b.name), h('td', {}, b.shape.join(' × ')), h('td', { class: 'num' }, b.features), h('td', { class: 'num' }, fmtBytes(b.ram_bytes)))),
        h('tr', { class: 'total' }, h('td', {}, 'per window'), h('td', {}, ''), h('td', { class: 'num' }, v.features_per_window),
          h('td', { class: 'num' }, fmtBytes(v.blocks.reduce((a, b) => a + b.ram_bytes, 0)))))),
    h('p', { class: 'muted' }, `impulse ${v.hash.slice(0, 12)}${v.set ? '' : ' (suggested, not saved yet)'}`));

  function numField(obj: any, key: string, label: string, step = 'any') {
    return h('label', {}, label, h('input', { type: 'number', step, value: obj[key] ?? '', 'data-field': key,
      oninput: (e: Event) => { const v = (e.target as HTMLInputElement).value; obj[key] = v === '' ? undefined : Number(v); } }));
  }

  function blockEditor(list: any[], i: number, kind: 'dsp' | 'learn') {
    const b = list[i];
    const area = h('textarea', { rows: Math.min(12, Math.max(3, JSON.stringify(b.params ?? {}, null, 2).split('\n').length)), spellcheck: false },
      JSON.stringify(b.params ?? {}, null, 2));
    area.addEventListener('input', () => {
      try { b.params = JSON.parse(area.value); area.classList.remove('bad'); } catch { area.classList.add('bad'); }
    });
    const extra = kind === 'learn'
      ? h('label', {}, 'reads DSP blocks', h('input', { value: (b.dsp ?? []).join(', '), oninput: (e: Event) => {
          const v = (e.target as HTMLInputElement).value.split(',').map((x) => x.trim()).filter(Boolean);
          b.dsp = v.length ? v : undefined;
        } }))
      : h('label', {}, 'axes (empty: all)', h('input', { value: (b.axes ?? []).join(', '), oninput: (e: Event) => {
          b.axes = (e.target as HTMLInputElement).value.split(',').map((x) => x.trim()).filter(Boolean);
        } }));
    return h('div', { class: `block ${kind}` },
      h('div', { class: 'block-head' }, h('b', {}, b.name), h('span', { class: 'muted' }, b.type),
        h('button', { class: 'ghost small', onclick: () => { list.splice(i, 1); draw(); } }, 'remove')),
      extra, h('label', {}, 'parameters (JSON)', area));
  }

  function addBlock(kind: 'dsp' | 'learn') {
    const types = kind === 'dsp' ? ['spectral', 'raw', 'flatten', 'image'] : ['classifier', 'regression', 'kmeans', 'gmm'];
    const sel = h('select', {}, types.map((t) => h('option', { value: t }, t)));
    const name = h('input', { placeholder: 'name' });
    return h('div', { class: 'row add' }, sel, name, h('button', { class: 'small', onclick: () => {
      const n = name.value.trim() || sel.value;
      (spec[kind] ??= []).push({ name: n, type: sel.value, params: {} });
      draw();
    } }, `add ${kind === 'dsp' ? 'DSP' : 'learning'} block`));
  }

  function draw() {
    const input = spec.input;
    const inputFields = input.type === 'time-series'
      ? [numField(input, 'window_ms', 'window size (ms)', '1'), numField(input, 'stride_ms', 'window stride (ms)', '1'), numField(input, 'frequency_hz', 'frequency (Hz)'),
         h('label', { class: 'check' }, h('input', { type: 'checkbox', checked: !!input.zero_pad, onchange: (e: Event) => { input.zero_pad = (e.target as HTMLInputElement).checked; } }), 'zero-pad short samples'),
         h('label', {}, 'axes', h('input', { value: (input.axes ?? []).join(', '), oninput: (e: Event) => { input.axes = (e.target as HTMLInputElement).value.split(',').map((x) => x.trim()).filter(Boolean); } }))]
      : [numField(input, 'width', 'width (px)', '1'), numField(input, 'height', 'height (px)', '1')];
    clear(form,
      h('div', { class: 'pipeline' },
        card('Input', h('p', { class: 'muted' }, input.type), h('div', { class: 'fields', id: 'input-fields' }, inputFields)),
        card('DSP blocks', (spec.dsp ?? []).map((_: any, i: number) => blockEditor(spec.dsp, i, 'dsp')), addBlock('dsp')),
        card('Learning blocks', (spec.learn ?? []).map((_: any, i: number) => blockEditor(spec.learn, i, 'learn')), addBlock('learn'))),
      h('div', { class: 'row' },
        h('button', { class: 'primary', id: 'save-impulse', onclick: save }, view.set ? 'Save impulse' : 'Save suggested impulse'),
        h('button', { class: 'ghost', onclick: async () => { view = await get('/api/impulse'); spec = structuredClone(view.impulse); clear(errors); draw(); drawSizes(view); } }, 'Revert')));
  }

  async function save() {
    clear(errors);
    try {
      view = await put<ImpulseView>('/api/impulse', spec);
      spec = structuredClone(view.impulse);
      draw();
      drawSizes(view);
      toast('impulse saved; generate features next');
    } catch (e) {
      errors.append(h('div', { class: 'error-box' }, (e as ApiError).message));
    }
  }

  if (!view.set) root.append(card('Suggested from your data', h('ul', { class: 'plain' }, view.why.map((w) => h('li', {}, w)))));
  root.append(errors, form, card('Sizes', sizes));
  draw();
  drawSizes(view);
}
