// A tiny DOM helper, colours per label, toasts and formatting shared by the pages.

type Child = Node | string | number | null | undefined | false;
type Attrs = Record<string, any>;

export function h<K extends keyof HTMLElementTagNameMap>(tag: K, attrs: Attrs = {}, ...children: (Child | Child[])[]): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === null || v === false) continue;
    if (k.startsWith('on') && typeof v === 'function') el.addEventListener(k.slice(2), v);
    else if (k === 'class') el.className = v;
    else if (k === 'style' && typeof v === 'object') Object.assign(el.style, v);
    else if (k in el && k !== 'list') (el as any)[k] = v;
    else el.setAttribute(k, v === true ? '' : String(v));
  }
  for (const c of children.flat()) {
    if (c === null || c === undefined || c === false) continue;
    el.append(c instanceof Node ? c : String(c));
  }
  return el;
}

export function clear(el: HTMLElement, ...children: (Child | Child[])[]) {
  el.replaceChildren();
  for (const c of children.flat()) if (c !== null && c !== undefined && c !== false) el.append(c instanceof Node ? c : String(c));
}

const PALETTE = ['#2563eb', '#dc2626', '#16a34a', '#d97706', '#7c3aed', '#0891b2', '#db2777', '#65a30d', '#475569', '#ea580c'];
const labelColors = new Map<string, string>();
// The same label keeps its colour on every page.
export function labelColor(label: string): string {
  if (label === 'anomaly') return '#111827';
  if (label === '') return '#9ca3af';  // unlabelled: grey on every page
  if (!labelColors.has(label)) labelColors.set(label, PALETTE[labelColors.size % PALETTE.length]);
  return labelColors.get(label)!;
}
export function seedLabelColors(labels: string[]) {
  for (const l of [...labels].sort()) if (l) labelColor(l);
}

export function toast(message: string, kind: 'ok' | 'error' = 'ok') {
  let box = document.getElementById('toasts');
  if (!box) {
    box = h('div', { id: 'toasts' });
    document.body.append(box);
  }
  const t = h('div', { class: `toast ${kind}` }, message);
  box.append(t);
  setTimeout(() => t.remove(), kind === 'error' ? 8000 : 3500);
}

// Runs an async action, reporting its error as a toast.
export async function attempt<T>(fn: () => Promise<T>, ok?: string): Promise<T | undefined> {
  try {
    const r = await fn();
    if (ok) toast(ok);
    return r;
  } catch (e) {
    toast((e as Error).message, 'error');
    return undefined;
  }
}

// Overlapping loads of one view (a table refreshed by a timer and by a click, two selects changed quickly):
// only the newest may draw, so a slower, older answer never replaces a newer one. Call the result at the start
// of each load; the function it returns says, after each await, whether this load is still the newest.
export function newestOnly(): () => () => boolean {
  let n = 0;
  return () => {
    const mine = ++n;
    return () => mine === n;
  };
}

export function fmtBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KiB`;
  return `${(n / 1024 / 1024).toFixed(2)} MiB`;
}

export const pct = (v: number | null | undefined) => (typeof v === 'number' && isFinite(v) ? `${(100 * v).toFixed(1)} %` : '–');
export const fixed = (v: number | null | undefined, d = 3) => (typeof v === 'number' && isFinite(v) ? v.toFixed(d) : '–');

export function card(title: string, ...body: (Child | Child[])[]): HTMLElement {
  return h('section', { class: 'card' }, h('h2', {}, title), ...body);
}

export function badge(text: string, cls = ''): HTMLElement {
  return h('span', { class: `badge ${cls}` }, text);
}

// How a label reads on a page: an unlabelled sample's empty label as "(unlabelled)".
export const labelName = (label: string) => label || '(unlabelled)';
// Stands for the empty label in a <select> (whose '' means "any"); labels cannot hold control characters.
export const UNLABELLED = '\u0001';

export function labelChip(label: string): HTMLElement {
  return h('span', { class: label ? 'chip' : 'chip muted' }, h('i', { style: { background: labelColor(label) } }), labelName(label));
}

// A job log panel with a progress bar: append lines, set progress, mark the final state.
export class JobLog {
  el: HTMLElement;
  private pre: HTMLPreElement;
  private bar: HTMLElement;
  private status: HTMLElement;
  constructor() {
    this.pre = h('pre', { class: 'log' });
    this.bar = h('div', { class: 'bar-fill' });
    this.status = h('span', { class: 'job-status' }, 'idle');
    this.el = h('div', { class: 'joblog', hidden: true }, h('div', { class: 'job-head' }, this.status, h('div', { class: 'bar' }, this.bar)), this.pre);
  }
  reset(title: string) {
    this.el.hidden = false;
    this.pre.textContent = '';
    this.setProgress(0);
    this.status.textContent = title;
    this.status.className = 'job-status running';
  }
  line(s: string) {
    this.pre.textContent += s + '\n';
    this.pre.scrollTop = this.pre.scrollHeight;
  }
  setProgress(p: number) {
    this.bar.style.width = `${Math.round(100 * Math.max(0, Math.min(1, p)))}%`;
  }
  done(state: string, error?: string) {
    this.status.textContent = state + (error ? `: ${error}` : '');
    this.status.className = `job-status ${state}`;
    if (state === 'done') this.setProgress(1);
  }
}
