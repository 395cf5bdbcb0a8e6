// Forms drawn from the blocks' parameter schema (GET /api/blocks/schema, declared once beside each block in
// src/impulse/blocks): number fields with units and ranges, selects, checkboxes; the server's one-line
// errors ("impulse.dsp[0].params.fft_length: ...") are shown on the field they name.
import { get } from './api';
import { h } from './ui';

export interface ParamSchema {
  name: string;
  type: 'number' | 'integer' | 'boolean' | 'choice' | 'choices' | 'names' | 'json';
  default: any;
  unit: string;
  help: string;
  min?: number;
  max?: number;
  choices?: string[];
  rule?: string;
  depends?: string;
  shown_when?: string;
}
export interface BlockSchema { type: string; kind: string; summary: string; params: ParamSchema[] }
export interface Schemas { input: BlockSchema[]; dsp: BlockSchema[]; learn: BlockSchema[] }

let cached: Promise<Schemas> | undefined;
export function schemas(): Promise<Schemas> {
  cached ??= get<Schemas>('/api/blocks/schema').catch((e) => { cached = undefined; throw e; });
  return cached;
}

const fmt = (v: number) => (Math.abs(v) >= 1e6 ? v.toExponential(0) : String(v));
const pretty = (name: string) => name.replace(/_/g, ' ').replace(/ hz$/, '').replace(/ ms$/, '').replace(/ s$/, '').replace(/ db$/, '');

// "filter_type!=none" / "scale==db" against the current values.
function shown(p: ParamSchema, values: any): boolean {
  if (!p.shown_when) return true;
  const m = /^(\w+)(!=|==)(.*)$/.exec(p.shown_when);
  if (!m) return true;
  const v = String(values[m[1]] ?? '');
  return m[2] === '==' ? v === m[3] : v !== m[3];
}

// The problem a value has before the server sees it (type and range only; rules stay the server's).
function localError(p: ParamSchema, v: any): string {
  if (v === undefined) return '';
  if ((p.type === 'number' || p.type === 'integer') && typeof v === 'number') {
    if (!isFinite(v)) return 'must be a number';
    if (p.type === 'integer' && !Number.isInteger(v)) return 'must be a whole number';
    if (p.min !== undefined && p.max !== undefined && (v < p.min || v > p.max)) return `${v} is out of range; use ${fmt(p.min)} to ${fmt(p.max)}`;
  }
  return '';
}

// One field. `values` is the params object it edits (a key removed = the default); `path` names it as the
// server's errors do; `changed` runs after every edit.
export function field(p: ParamSchema, values: any, path: string, changed: () => void): HTMLElement {
  const err = h('div', { class: 'field-error', 'data-error-for': path });
  let box: HTMLElement;
  const set = (v: any) => {
    if (v === undefined) delete values[p.name]; else values[p.name] = v;
    const e = localError(p, v);
    err.textContent = e;
    box.classList.toggle('bad', !!e);
    changed();
  };
  const range = p.min !== undefined && p.max !== undefined ? `${fmt(p.min)}–${fmt(p.max)}` : '';
  const hint = [p.help, p.rule ? `(${p.rule})` : '', p.depends && values[p.name] === undefined ? `default: ${p.depends}` : ''].filter(Boolean).join(' ');
  let control: HTMLElement;
  const id = `f-${path.replace(/[^\w]/g, '-')}`;
  if (p.type === 'boolean') {
    control = h('input', { type: 'checkbox', id, checked: values[p.name] ?? p.default ?? false, 'data-path': path,
      onchange: (e: Event) => set((e.target as HTMLInputElement).checked) });
    box = h('div', { class: 'field check', 'data-field': p.name, title: hint },
      h('label', { class: 'check', for: id }, control, pretty(p.name)), err);
    return box;
  }
  if (p.type === 'choice') {
    control = h('select', { id, 'data-path': path, onchange: (e: Event) => set((e.target as HTMLSelectElement).value) },
      (p.choices ?? []).map((c) => h('option', { value: c, selected: (values[p.name] ?? p.default) === c }, c)));
  } else if (p.type === 'choices') {
    const cur: string[] = values[p.name] ?? p.default ?? [];
    control = h('div', { class: 'choices', id, 'data-path': path }, (p.choices ?? []).map((c) => h('label', { class: 'check' },
      h('input', { type: 'checkbox', value: c, checked: cur.includes(c), onchange: () => {
        const boxes = [...control.querySelectorAll('input')] as HTMLInputElement[];
        set(boxes.filter((b) => b.checked).map((b) => b.value));
      } }), c)));
  } else if (p.type === 'names') {
    control = h('input', { id, 'data-path': path, value: (values[p.name] ?? []).join(', '), placeholder: 'all',
      oninput: (e: Event) => set((e.target as HTMLInputElement).value.split(',').map((x) => x.trim()).filter(Boolean)) });
  } else if (p.type === 'json') {
    // A structured value (a network's layers, feature indices): JSON text; the block checks it.
    const v = values[p.name] ?? p.default;
    const text = v === null || v === undefined ? '' : typeof v === 'string' ? v : JSON.stringify(v, null, Array.isArray(v) && v.length > 1 ? 1 : 0);
    control = h('textarea', { id, 'data-path': path, rows: Math.min(8, Math.max(1, text.split('\n').length)), spellcheck: false,
      placeholder: p.depends ? `default: ${p.depends}` : '', oninput: (e: Event) => {
        const t = (e.target as HTMLTextAreaElement).value.trim();
        if (t === '') return set(undefined);
        try { set(JSON.parse(t)); } catch { set(t); }
      } }, text);
  } else {
    const v = values[p.name];
    control = h('input', { type: 'number', id, 'data-path': path, step: p.type === 'integer' ? '1' : 'any', min: p.min, max: p.max,
      value: v ?? '', placeholder: p.default === null || p.default === undefined ? 'auto' : String(p.default), inputmode: 'decimal',
      oninput: (e: Event) => { const t = (e.target as HTMLInputElement).value; set(t === '' ? undefined : Number(t)); } });
  }
  box = h('div', { class: 'field', 'data-field': p.name },
    h('label', { for: id, title: hint }, pretty(p.name), p.unit ? h('span', { class: 'unit' }, p.unit) : null),
    control,
    h('div', { class: 'field-hint' }, [range && `${range}${p.unit ? ' ' + p.unit : ''}`, p.help].filter(Boolean).join(' · ')),
    err);
  return box;
}

// Fields of a schema over `values`; fields whose shown_when does not hold are left out (and redrawn when
// the field they depend on changes).
export function fields(schema: BlockSchema, values: any, path: string, changed: () => void): HTMLElement {
  const box = h('div', { class: 'fields schema-fields' });
  const draw = () => {
    box.replaceChildren(...schema.params.filter((p) => shown(p, { ...Object.fromEntries(schema.params.map((q) => [q.name, q.default])), ...values }))
      .map((p) => field(p, values, `${path}.${p.name}`, () => { changed(); if (schema.params.some((q) => q.shown_when?.startsWith(p.name))) draw(); })));
  };
  draw();
  return box;
}

// Puts a server error on the field it names; returns true when a field took it. "impulse.dsp[0].params.x: msg".
export function showFieldError(root: HTMLElement, message: string): boolean {
  const m = /^(impulse\.[\w.[\]-]+): (.*)$/.exec(message);
  if (!m) return false;
  for (const el of root.querySelectorAll('.field-error')) el.textContent = '';
  for (const el of root.querySelectorAll('.field.bad')) el.classList.remove('bad');
  // The field itself, else the nearest named parent (a block: impulse.dsp[0]).
  let path = m[1];
  for (;;) {
    const err = root.querySelector(`[data-error-for="${CSS.escape(path)}"]`);
    if (err) {
      err.textContent = m[2];
      err.closest('.field, .block')?.classList.add('bad');
      return true;
    }
    const cut = path.lastIndexOf('.');
    if (cut <= 'impulse'.length) return false;
    path = path.slice(0, cut);
  }
}

export function clearFieldErrors(root: HTMLElement) {
  for (const el of root.querySelectorAll('.field-error')) el.textContent = '';
  for (const el of root.querySelectorAll('.bad')) el.classList.remove('bad');
}
