// Tuner: start a search (`mote tune` as the `tune` job) with a small budget and follow it live, the runs and
// their candidates (score, RAM, flash, instructions, latency, fits) with the score-against-latency plot, and
// applying a candidate (then training it). See docs/tune.md for what is searched and how it is scored.
import { get, post, startJob, followJob, Job } from '../api';
import { scatter } from '../charts';
import { h, clear, card, JobLog, attempt, pct, fmtBytes, toast, badge, newestOnly } from '../ui';

interface Candidate {
  index: number; epochs?: number; score?: number; description: string; fits?: boolean; latency_ms?: number;
  profile?: { ram_bytes: number; flash_bytes: number; instructions: { total: number } };
}
interface Run { run: number; created_at: string; options: any; summary: any; candidates: number; best?: { index: number; score: number; fits: boolean; description: string } }

const SETTINGS: { key: string; label: string; unit: string; value: number; min: number; max: number; scale?: number; help: string }[] = [
  { key: 'candidates', label: 'candidates', unit: '', value: 6, min: 1, max: 1000, help: 'impulses drawn and trained (the project\'s own is #0)' },
  { key: 'time_s', label: 'time', unit: 's', value: 300, min: 10, max: 604800, help: 'the search stops after this long' },
  { key: 'finalists', label: 'finalists', unit: '', value: 1, min: 0, max: 10, help: 'best candidates profiled on the emulated device (QEMU); only they can be applied' },
  { key: 'folds', label: 'folds', unit: '', value: 2, min: 2, max: 20, help: 'cross-validation folds of whole samples' },
  { key: 'ram_bytes', label: 'RAM budget', unit: 'kB', value: 64, min: 1, max: 1e6, scale: 1024, help: 'the impulse\'s own RAM on the device' },
  { key: 'flash_bytes', label: 'flash budget', unit: 'kB', value: 256, min: 1, max: 1e7, scale: 1024, help: 'the impulse\'s own flash' },
  { key: 'latency_ms', label: 'latency budget', unit: 'ms', value: 100, min: 0.001, max: 1e6, help: 'per window, at the clock below' },
  { key: 'clock_mhz', label: 'clock', unit: 'MHz', value: 80, min: 1, max: 10000, help: 'core clock (one instruction per cycle)' },
];

// The measured candidates no other beats on both score (higher) and latency (lower), fastest first.
function paretoFront(measured: Candidate[]): Candidate[] {
  const byLatency = [...measured].sort((a, b) => a.latency_ms! - b.latency_ms! || b.score! - a.score!);
  const front: Candidate[] = [];
  for (const c of byLatency) if (!front.length || c.score! > front[front.length - 1].score!) front.push(c);
  return front;
}

export async function tunePage(root: HTMLElement, params: URLSearchParams) {
  const log = new JobLog();
  const best = h('div', { id: 'tune-best', class: 'muted' });
  const runsBox = h('div', { id: 'tune-runs' });
  const runBox = h('div', { id: 'tune-run' });
  const inputs = new Map<string, HTMLInputElement>();
  const form = h('div', { class: 'fields schema-fields', id: 'tune-settings' }, SETTINGS.map((s) => {
    const input = h('input', { type: 'number', value: s.value, min: s.min, max: s.max, step: 'any', id: `tune-${s.key}`, 'data-param': s.key });
    inputs.set(s.key, input);
    return h('div', { class: 'field' }, h('label', { for: `tune-${s.key}` }, s.label, s.unit ? h('span', { class: 'unit' }, s.unit) : null), input,
      h('div', { class: 'field-hint' }, s.help));
  }));
  let stops: (() => void)[] = [];
  let current = Number(params.get('run')) || 0;
  let running = 0;  // the tune job being followed
  const cancelBtn = h('button', { id: 'cancel-tune', hidden: true, onclick: async () => {
    if (running) await attempt(() => post(`/api/jobs/${running}/cancel`), 'cancelling: the finished candidates are kept');
  } }, 'Cancel search');

  // A board: its core profiles the finalists and its RAM, flash and clock fill the budgets (still editable).
  const boards = (await get<{ boards: { name: string; target: string; clock_mhz: number; ram_bytes: number; flash_bytes: number }[] }>('/api/boards')).boards;
  const boardSelect = h('select', { id: 'tune-board', 'aria-label': 'board' }, h('option', { value: '' }, 'no board: Cortex-M4, the budgets below'),
    boards.map((b) => h('option', { value: b.name }, `${b.name} (${b.target}, ${b.clock_mhz} MHz)`)));
  boardSelect.addEventListener('change', () => {
    const b = boards.find((x) => x.name === boardSelect.value);
    if (!b) return;
    inputs.get('ram_bytes')!.value = String(b.ram_bytes / 1024);
    inputs.get('flash_bytes')!.value = String(b.flash_bytes / 1024);
    inputs.get('clock_mhz')!.value = String(b.clock_mhz);
  });

  const startBtn = h('button', { class: 'primary', id: 'start-tune', onclick: async () => {
    const p: Record<string, number | string> = {};
    for (const s of SETTINGS) {
      const v = Number(inputs.get(s.key)!.value);
      if (!isFinite(v) || v < s.min || v > s.max) { toast(`${s.label}: use ${s.min} to ${s.max}`, 'error'); inputs.get(s.key)!.focus(); return; }
      p[s.key] = s.scale ? Math.round(v * s.scale) : v;
    }
    if (boardSelect.value) p.board = boardSelect.value;
    const id = await attempt(() => startJob('tune', p));
    if (id !== undefined) follow(id, 'tune');
  } }, 'Start search');

  function follow(id: number, kind: string) {
    startBtn.disabled = true;
    if (kind === 'tune') { running = id; cancelBtn.hidden = false; }
    log.reset(`${kind} job ${id} running`);
    let timer = 0;
    stops.push(followJob(id, {
      onLog: (l) => {
        log.line(l);
        const m = /best (\d+\.\d %)/.exec(l);
        if (m) best.textContent = `best so far (full epochs, cross-validated): ${m[1]}`;
        if (kind === 'tune' && /^\s*#\d+/.test(l)) { clearTimeout(timer); timer = window.setTimeout(() => loadRuns(true), 400); }
      },
      onProgress: (p) => log.setProgress(p),
      onState: async (j: Job) => {
        log.done(j.state, j.error);
        startBtn.disabled = false;
        if (kind === 'tune') { running = 0; cancelBtn.hidden = true; if (j.state === 'cancelled') await loadRuns(true); }
        if (kind === 'tune' && j.state === 'done') {
          const full = await get<Job>(`/api/jobs/${id}`);
          if (full.result?.run) current = full.result.run;
          await loadRuns();
        }
        if (kind === 'train' && j.state === 'done') toast('trained the applied impulse; evaluate it on Model testing');
      },
    }));
  }

  // The runs are reloaded by a timer while candidates finish, when the search ends and on a click: only the
  // newest load draws (an older answer arriving last would show a run without its finalists).
  const runsLoad = newestOnly();
  async function loadRuns(newest = false) {
    const fresh = runsLoad();
    const { runs } = await get<{ runs: Run[] }>('/api/tune/runs');
    if (!fresh()) return;
    if (newest && runs.length) current = runs[0].run;
    if (!current && runs.length) current = runs[0].run;
    clear(runsBox, runs.length ? h('div', { class: 'table-scroll' }, h('table', { class: 'grid samples', id: 'runs-table' },
      h('thead', {}, h('tr', {}, h('th', {}, 'run'), h('th', {}, 'started'), h('th', { class: 'num' }, 'candidates'), h('th', { class: 'num' }, 'best score'), h('th', {}, 'fits'), h('th', {}, 'best candidate'))),
      h('tbody', {}, runs.map((r) => h('tr', { 'data-run': r.run, class: r.run === current ? 'open' : '', tabindex: 0,
        onclick: () => { current = r.run; loadRuns(); }, onkeydown: (e: KeyboardEvent) => { if (e.key === 'Enter') { current = r.run; loadRuns(); } } },
        h('td', {}, r.run), h('td', {}, r.created_at), h('td', { class: 'num' }, r.candidates), h('td', { class: 'num' }, r.best ? pct(r.best.score) : '–'),
        h('td', {}, r.best?.fits === true ? badge('fits', 'done') : r.best?.fits === false ? badge('over budget', 'failed') : '–'),
        h('td', { class: 'name' }, r.best?.description ?? '')))))) : h('p', { class: 'muted' }, 'No search yet: start one above, or run `mote tune` in a terminal.'));
    if (current) await loadRun(current, fresh);
  }

  async function loadRun(run: number, fresh: () => boolean) {
    const r = await get<{ run: number; options: any; summary: any; candidates: Candidate[] }>(`/api/tune/runs/${run}`);
    if (!fresh()) return;
    const o = r.options;
    const measured = r.candidates.filter((c) => c.profile && typeof c.score === 'number');
    const front = paretoFront(measured);
    const plot = measured.length ? scatter(measured.map((c) => ({ x: c.latency_ms!, y: c.score!, color: c.fits ? '#16a34a' : '#dc2626', label: String(c.index), data: c })),
      { width: 420, height: 240, xlabel: `latency ms at ${o.clock_mhz} MHz`, describe: (p) => `#${p.label}: ${pct(p.y)}, ${p.x.toFixed(2)} ms`,
        // Scores are shares: the axis spans 0 to 1 (a lone candidate would otherwise sit in -1..+1 around it),
        // and latency starts at 0 so the candidates' costs compare by eye.
        extent: [{ x: 0, y: 0 }, { x: Math.max(...measured.map((c) => c.latency_ms!)), y: 1 }],
        overlay: (ctx, px, py) => {  // the Pareto front: a step line through the candidates nothing beats on both
          ctx.strokeStyle = '#2563eb'; ctx.lineWidth = 1.5; ctx.setLineDash([4, 3]);
          ctx.beginPath();
          front.forEach((c, i) => {
            if (i === 0) ctx.moveTo(px(c.latency_ms!), py(c.score!));
            else { ctx.lineTo(px(c.latency_ms!), py(front[i - 1].score!)); ctx.lineTo(px(c.latency_ms!), py(c.score!)); }
          });
          ctx.stroke();
          ctx.setLineDash([]);
          for (const c of front) { ctx.beginPath(); ctx.arc(px(c.latency_ms!), py(c.score!), 6, 0, 2 * Math.PI); ctx.stroke(); }
        } }) : null;
    if (plot) plot.dataset.front = front.map((c) => c.index).join(' ');
    const rows = r.candidates.map((c) => h('tr', { 'data-index': c.index },
      h('td', { class: 'num' }, c.index), h('td', { class: 'num' }, c.epochs ?? '–'), h('td', { class: 'num' }, typeof c.score === 'number' ? pct(c.score) : 'failed'),
      h('td', { class: 'num' }, c.profile ? fmtBytes(c.profile.ram_bytes) : '–'), h('td', { class: 'num' }, c.profile ? fmtBytes(c.profile.flash_bytes) : '–'),
      h('td', { class: 'num' }, c.profile ? Math.round(c.profile.instructions.total).toLocaleString('en') : '–'),
      h('td', { class: 'num' }, c.latency_ms !== undefined ? c.latency_ms.toFixed(2) : '–'),
      h('td', { class: c.fits === true ? 'fits-yes' : c.fits === false ? 'fits-no' : '' }, c.fits === true ? 'yes' : c.fits === false ? 'no' : '–'),
      h('td', { class: 'name', title: c.description }, c.index === 0 ? 'the project\'s impulse: ' : '', c.description),
      h('td', {}, c.fits ? h('button', { class: 'small', 'data-apply': c.index, onclick: () => apply(run, c.index) }, 'Apply') : null)));
    clear(runBox, card(`Run ${run}`,
      h('p', { class: 'muted' }, `budget on ${o.target}: ${fmtBytes(o.ram_bytes)} RAM, ${fmtBytes(o.flash_bytes)} flash, ${o.latency_ms} ms at ${o.clock_mhz} MHz · ${o.metric} on held-out training samples, ${o.folds ?? ''} folds` +
        (r.summary?.seconds ? ` · ${Math.round(r.summary.seconds)} s` : ' · running or interrupted')),
      plot ? h('div', {}, h('h3', {}, 'Score against latency (finalists measured on the device; green fits the budget; ringed and joined: the Pareto front, no candidate both faster and better)'), plot) : null,
      h('div', { class: 'table-scroll' }, h('table', { class: 'grid tune-table', id: 'candidates-table' },
        h('thead', {}, h('tr', {}, ['#', 'epochs', 'score', 'RAM', 'flash', 'instructions', 'latency ms', 'fits', 'candidate', ''].map((t, i) => h('th', { class: i < 8 && i !== 7 ? 'num' : '' }, t)))),
        h('tbody', {}, rows)))));
  }

  async function apply(run: number, index: number) {
    const r = await attempt(() => post(`/api/tune/runs/${run}/apply`, { index }), `candidate ${index} applied to the impulse`);
    if (!r) return;
    const id = await attempt(() => startJob('train'));
    if (id !== undefined) follow(id, 'train');
  }

  root.append(card('Search', h('p', { class: 'muted' }, 'Candidates are trained in worker processes and scored on held-out training samples (int8); the best are profiled on the emulated device. A small budget takes a minute or two.'),
    h('div', { class: 'row' }, h('label', { for: 'tune-board' }, 'Board'), boardSelect), form, h('div', { class: 'row' }, startBtn, cancelBtn), best, log.el), card('Runs', runsBox), runBox);
  // A search already running (started here earlier, or elsewhere) is followed again.
  const active = await get<{ jobs: Job[] }>('/api/jobs?kind=tune&state=running').catch(() => ({ jobs: [] as Job[] }));
  const list = active.jobs;
  if (list.length) follow(list[0].id, 'tune');
  await loadRuns();
  return () => { for (const s of stops) s(); };
}
