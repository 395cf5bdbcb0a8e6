// Deployment: pick a format, run the deploy job (live log), download the package as a zip; a board (its core
// profiled under QEMU: fits / does not fit, RAM, flash and latency beside its limits); the Cortex-M4 profile
// (RAM, flash, instructions per stage, parity) beside the founding claim, with a button to re-profile.
import { get, startJob, followJob, Job, ApiError } from '../api';
import { h, clear, card, JobLog, attempt, fmtBytes, badge, newestOnly } from '../ui';

interface Format { name: string; help: string; kind: 'package' | 'model' }
interface Package { format: string; files: number; bytes: number; download: string }
interface Board { name: string; target: string; clock_mhz: number; ram_bytes: number; flash_bytes: number; description: string }

const kB = (b: number) => `${(b / 1000).toFixed(2)} kB`;
const int = (v: number) => Math.round(v).toLocaleString('en-US');
const kiB = (b: number) => (b >= 1024 * 1024 ? `${(b / 1024 / 1024).toFixed(b % (1024 * 1024) ? 1 : 0)} MiB` : `${(b / 1024).toFixed(b % 1024 ? 2 : 0)} KiB`);

export async function deployPage(root: HTMLElement) {
  const info = await get<{ formats: Format[]; packages: Package[] }>('/api/deploy');
  const formats = h('div', { id: 'deploy-formats', class: 'formats' }, info.formats.map((f, i) =>
    h('label', { class: 'check format' },
      h('input', { type: 'radio', name: 'deploy-format', value: f.name, checked: i === 0 }),
      h('span', {}, h('b', {}, f.name), ' ', h('span', { class: 'muted' }, f.help)))));
  const chosen = () => (formats.querySelector('input:checked') as HTMLInputElement | null)?.value ?? 'cpp';
  const log = new JobLog();
  const download = h('div', { id: 'deploy-download' });
  const packages = h('div', { id: 'deploy-packages' });
  let stop: (() => void) | undefined;
  const build = h('button', { class: 'primary', id: 'start-deploy', onclick: async () => {
    const format = chosen();
    const id = await attempt(() => startJob('deploy', { format }));
    if (id === undefined) return;
    stop?.();
    build.disabled = true;
    clear(download);
    log.reset(`deploy job ${id} (${format}) running`);
    stop = followJob(id, {
      onLog: (l) => log.line(l),
      onProgress: (p) => log.setProgress(p),
      onState: async (j: Job) => {
        log.done(j.state, j.error);
        build.disabled = false;
        if (j.state !== 'done') return;
        const full = await get<Job>(`/api/jobs/${id}`);
        const r = full.result ?? {};
        clear(download, h('p', {},
          h('a', { href: r.download ?? `/api/deploy/${format}/download`, id: 'deploy-link', class: 'button primary', download: '' }, `Download ${format} package (.zip)`),
          ' ', h('span', { class: 'muted' }, r.impulse_hash ? `impulse ${r.impulse_hash}` : r.file ?? ''),
          format === 'wasm' ? h('span', {}, ' · ', h('a', { href: '#/classify', id: 'deploy-wasm-live' }, 'run it in this browser (Live classification)')) : null));
        await listPackages();
      },
    });
  } }, 'Build');

  async function listPackages() {
    const now = await get<{ packages: Package[] }>('/api/deploy');
    clear(packages, now.packages.length
      ? h('table', { class: 'grid compact' },
        h('thead', {}, h('tr', {}, h('th', {}, 'format'), h('th', { class: 'num' }, 'files'), h('th', { class: 'num' }, 'size'), h('th', {}, ''))),
        h('tbody', {}, now.packages.map((p) => h('tr', {}, h('td', {}, p.format), h('td', { class: 'num' }, p.files), h('td', { class: 'num' }, fmtBytes(p.bytes)),
          h('td', {}, h('a', { href: p.download, download: '' }, 'download .zip'))))))
      : h('p', { class: 'muted' }, 'No packages built yet.'));
  }

  const profileBox = h('div', { id: 'profile' });
  const profileLog = new JobLog();
  let stopProfile: (() => void) | undefined;
  const reprofile = h('button', { id: 'start-profile', onclick: async () => {
    const id = await attempt(() => startJob('profile'));
    if (id === undefined) return;
    stopProfile?.();
    reprofile.disabled = true;
    profileLog.reset(`profile job ${id} running (QEMU)`);
    stopProfile = followJob(id, {
      onLog: (l) => profileLog.line(l),
      onProgress: (p) => profileLog.setProgress(p),
      // The Cortex-M4 profile is also the profile of every Cortex-M4 board: the board card reads it again.
      onState: (j: Job) => { profileLog.done(j.state, j.error); reprofile.disabled = false; if (j.state === 'done') { showProfile(); showBoard(); } },
    });
  } }, 'Profile again');

  async function showProfile() {
    let r: any;
    try {
      r = await get('/api/profile');
    } catch (e) {
      if ((e as ApiError).status === 404) { clear(profileBox, h('p', { class: 'muted' }, 'Not profiled yet: press “Profile again” (needs arm-none-eabi-gcc and qemu-system-arm).')); return; }
      throw e;
    }
    const own = r.impulse, claim = r.claim ?? { ram_bytes: 6600, flash_bytes: 20000, text: '' };
    const ins = r.instructions, par = r.parity;
    const vs = (v: number, c: number) => v <= c ? badge(`${(100 * v / c).toFixed(0)} % of the claim`, 'done') : badge(`${(100 * v / c).toFixed(0)} % of the claim`, 'failed');
    clear(profileBox,
      r.current ? null : h('div', { class: 'warn-box', id: 'profile-stale' }, r.current_impulse_hash
        ? `This profile is of impulse ${r.impulse_hash}; the current one is ${r.current_impulse_hash} (retrained or changed): profile again for its figures.`
        : `This profile is of impulse ${r.impulse_hash}; the current models cannot be deployed (train them) to compare.`),
      h('div', { class: 'two' },
        h('table', { class: 'grid compact', id: 'profile-table' },
          h('thead', {}, h('tr', {}, h('th', {}, ''), h('th', { class: 'num' }, 'this impulse'), h('th', { class: 'num' }, 'whole firmware'), h('th', { class: 'num' }, 'empty firmware'))),
          h('tbody', {},
            h('tr', { 'data-row': 'ram' }, h('td', {}, 'RAM (static + peak stack)'), h('td', { class: 'num' }, h('b', {}, kB(own.ram_bytes))), h('td', { class: 'num' }, kB(r.firmware.ram_bytes)), h('td', { class: 'num' }, kB(r.baseline.ram_bytes))),
            h('tr', {}, h('td', { class: 'muted' }, '  static'), h('td', { class: 'num' }, int(own.static_ram_bytes) + ' B'), h('td', { class: 'num' }, int(r.firmware.static_ram_bytes) + ' B'), h('td', { class: 'num' }, int(r.baseline.static_ram_bytes) + ' B')),
            h('tr', {}, h('td', { class: 'muted' }, '  stack'), h('td', { class: 'num' }, int(own.stack_bytes) + ' B'), h('td', { class: 'num' }, int(r.firmware.stack_bytes) + ' B'), h('td', { class: 'num' }, int(r.baseline.stack_bytes) + ' B')),
            h('tr', { 'data-row': 'flash' }, h('td', {}, 'flash'), h('td', { class: 'num' }, h('b', {}, kB(own.flash_bytes))), h('td', { class: 'num' }, kB(r.firmware.flash_bytes)), h('td', { class: 'num' }, kB(r.baseline.flash_bytes))),
            h('tr', {}, h('td', {}, 'instructions / window: DSP'), h('td', { class: 'num' }, int(ins.dsp)), h('td', {}), h('td', {})),
            h('tr', {}, h('td', {}, '  NN (incl. input quantization)'), h('td', { class: 'num' }, int(ins.nn)), h('td', {}), h('td', {})),
            h('tr', {}, h('td', {}, '  anomaly'), h('td', { class: 'num' }, int(ins.anomaly)), h('td', {}), h('td', {})),
            h('tr', { class: 'total' }, h('td', {}, '  total'), h('td', { class: 'num' }, int(ins.total)), h('td', { class: 'muted' }, `≈ ${(ins.total / 100e3).toFixed(2)} ms at 100 MHz`), h('td', {})))),
        h('div', { class: 'claim', id: 'claim' },
          h('h3', {}, 'The founding claim'),
          h('p', { class: 'muted' }, claim.text || 'DSP + anomaly detection + NN classifier on 3-axis accelerometer data on a Cortex-M4'),
          h('table', { class: 'grid compact' },
            h('thead', {}, h('tr', {}, h('th', {}, ''), h('th', { class: 'num' }, 'claim'), h('th', { class: 'num' }, 'this impulse'), h('th', {}, ''))),
            h('tbody', {},
              h('tr', {}, h('td', {}, 'RAM'), h('td', { class: 'num' }, `${(claim.ram_bytes / 1000).toFixed(1)} kB`), h('td', { class: 'num' }, kB(own.ram_bytes)), h('td', {}, vs(own.ram_bytes, claim.ram_bytes))),
              h('tr', {}, h('td', {}, 'flash'), h('td', { class: 'num' }, `${(claim.flash_bytes / 1000).toFixed(1)} kB`), h('td', { class: 'num' }, kB(own.flash_bytes)), h('td', {}, vs(own.flash_bytes, claim.flash_bytes))))))),
      h('p', {}, `Parity on ${par.windows} testing windows: features bit-exact ${par.features_bit_exact_windows}, int8 outputs equal ${par.int8_equal_windows}, anomaly scores equal ${par.anomaly_equal_windows} (max |diff| ${par.max_abs_diff}) `,
        par.ok ? badge('parity ok', 'done') : badge('parity failed', 'failed'),
        r.host_int8 ? ` · host int8 window accuracy ${(100 * r.host_int8.window_accuracy).toFixed(1)} % over ${r.host_int8.windows} windows` : ''),
      h('p', { class: 'muted' }, `${r.board}; impulse ${r.impulse_hash}. “This impulse” is the firmware minus the same firmware with an empty impulse.`));
  }

  // A board: the profile of its core (measured under QEMU) against its RAM and flash, the latency at its clock.
  const boards = (await get<{ boards: Board[] }>('/api/boards')).boards;
  const boardSelect = h('select', { id: 'board-select', 'aria-label': 'board' }, boards.map((b) =>
    h('option', { value: b.name }, `${b.name} (${b.target}, ${b.clock_mhz} MHz, ${kiB(b.ram_bytes)} RAM, ${kiB(b.flash_bytes)} flash)`)));
  boardSelect.value = boards.find((b) => b.target === 'cortex-m4')?.name ?? boards[0]?.name ?? '';
  const boardBox = h('div', { id: 'board-fit' });
  const boardLog = new JobLog();
  let stopBoard: (() => void) | undefined;
  const profileBoard = h('button', { id: 'profile-board', onclick: async () => {
    const board = boardSelect.value;
    const id = await attempt(() => startJob('profile', { board }));
    if (id === undefined) return;
    stopBoard?.();
    profileBoard.disabled = true;
    boardLog.reset(`profile job ${id} for ${board} running (QEMU)`);
    stopBoard = followJob(id, {
      onLog: (l) => boardLog.line(l),
      onProgress: (p) => boardLog.setProgress(p),
      onState: (j: Job) => { boardLog.done(j.state, j.error); profileBoard.disabled = false; if (j.state === 'done') { showBoard(); showProfile(); } },
    });
  } }, 'Profile on its core');
  boardSelect.addEventListener('change', () => showBoard());

  // Boards chosen quickly one after another: only the last chosen one's answer draws.
  const boardLoad = newestOnly();
  async function showBoard() {
    const b = boards.find((x) => x.name === boardSelect.value);
    if (!b) return;
    const fresh = boardLoad();
    profileBoard.textContent = `Profile on ${b.target}`;
    let r: any;
    try {
      r = await get(`/api/profile?board=${encodeURIComponent(b.name)}`);
      if (!fresh()) return;
    } catch (e) {
      if (!fresh()) return;
      if ((e as ApiError).status === 404) {
        clear(boardBox, h('p', { class: 'muted', id: 'board-unprofiled' }, `${b.description}. Not profiled on ${b.target} yet: press “Profile on ${b.target}” to measure RAM, flash and instructions under QEMU.`));
        return;
      }
      throw e;
    }
    const fit = r.board_fit;
    const row = (what: string, need: number, have: number, ok: boolean) => h('tr', { 'data-row': what },
      h('td', {}, what), h('td', { class: 'num' }, h('b', {}, kiB(need))), h('td', { class: 'num' }, kiB(have)),
      h('td', { class: 'num' }, `${(100 * need / have).toFixed(need / have < 0.01 ? 2 : 1)} %`),
      h('td', {}, ok ? badge('fits', 'done') : badge('does not fit', 'failed')));
    const lat = fit.latency_ms;
    const ms = (v: number) => (v < 1 ? v.toFixed(3) : v.toFixed(2));
    clear(boardBox,
      r.current ? null : h('div', { class: 'warn-box', id: 'board-stale' }, `This ${b.target} profile is of impulse ${r.impulse_hash}, not the current one: profile again for its figures.`),
      h('p', {}, h('span', { id: 'board-verdict' }, fit.fits ? badge(`fits on ${b.name}`, 'done') : badge(`does not fit on ${b.name}`, 'failed')), ' ', h('span', { class: 'muted' }, fit.description)),
      h('table', { class: 'grid compact', id: 'board-table' },
        h('thead', {}, h('tr', {}, h('th', {}, ''), h('th', { class: 'num' }, 'this impulse'), h('th', { class: 'num' }, 'the board'), h('th', { class: 'num' }, 'share'), h('th', {}, ''))),
        h('tbody', {},
          row('RAM', fit.ram.needed_bytes, fit.ram.board_bytes, fit.ram.fits),
          row('flash', fit.flash.needed_bytes, fit.flash.board_bytes, fit.flash.fits),
          ['dsp', 'nn', 'anomaly', 'total'].filter((k) => lat[k]).map((k) => h('tr', { 'data-row': `latency-${k}`, class: k === 'total' ? 'total' : '' },
            h('td', {}, k === 'total' ? 'latency per window' : `  ${k === 'nn' ? 'NN' : k === 'dsp' ? 'DSP' : 'anomaly'}`),
            h('td', { class: 'num' }, `${ms(lat[k].nominal)} ms`), h('td', { class: 'num' }, `${fit.clock_mhz} MHz`),
            h('td', { class: 'num muted' }, `${ms(lat[k].low)}–${ms(lat[k].high)} ms`), h('td', {}))))),
      h('p', { class: 'muted' }, `RAM and flash are the impulse’s own (firmware minus the empty firmware), measured on ${b.target} under QEMU, in KiB (1024 bytes) as boards state their memory (the Cortex-M4 card below uses kB, 1000 bytes, as the founding claim does); the latency is the measured instructions × ${fit.cpi.nominal} cycles per instruction (${fit.cpi.low}–${fit.cpi.high}, estimated for this core, docs/deploy.md) at ${fit.clock_mhz} MHz.`));
  }

  root.append(
    card('Build a package', h('p', { class: 'muted' }, 'Packages the trained impulse (the current models) for a device. The package is kept in the project’s out/deploy/<format> and downloads as a zip.'),
      formats, h('div', { class: 'row' }, build), log.el, download),
    card('Packages', packages),
    card('On a board', h('div', { class: 'row' }, h('label', { for: 'board-select' }, 'Board'), boardSelect, profileBoard), boardLog.el, boardBox),
    card('On a Cortex-M4', h('div', { class: 'row' }, reprofile), profileLog.el, profileBox));
  await Promise.all([listPackages(), showProfile(), showBoard()]);
  return () => { stop?.(); stopProfile?.(); stopBoard?.(); };
}
