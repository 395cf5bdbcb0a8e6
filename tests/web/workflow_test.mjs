// Browser test of labelling from the feature explorer, versions and boards: a lasso drawn around the idle
// windows relabels exactly their samples; unlabelled samples get cluster suggestions, accepted in one batch;
// two versions saved from the page are compared and one restored; the Deployment page profiles for a board
// and shows fits / does not fit beside its limits. Then every page at 1280x800 and 390x844: no horizontal
// overflow, the new controls reachable by keyboard, no console errors. (The impulse form, the preview, training
// from the page, versions restored from the page and the tuner: design_test.mjs; the wasm card: wasm_test.mjs.)
// Usage: node workflow_test.mjs MOTE_BIN OUT_DIR (run by tests/web/run).
import { spawn, execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync, readFileSync, mkdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import net from 'node:net';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';

const { chromium } = createRequire(join(process.cwd(), 'package.json'))('playwright-core');
const [mote, outDir] = process.argv.slice(2);
const t0 = Date.now();
const phase = (name) => console.log(`${((Date.now() - t0) / 1000).toFixed(1)} s: ${name}`);
mkdirSync(outDir, { recursive: true });
const work = mkdtempSync(join(tmpdir(), 'mote-workflow-test-'));
const project = join(work, 'demo');
const cli = (...args) => execFileSync(mote, ['-C', project, ...args], { stdio: ['ignore', 'pipe', 'inherit'] }).toString();
const samples = () => JSON.parse(cli('samples', '--json')).samples;
const impulseOf = () => { const j = JSON.parse(cli('impulse', 'show', '--json')); return j.impulse ?? j; };

// The demo, plus one testing recording per motion exported and imported again without its label (its values
// nudged, so it is a new sample rather than a duplicate).
execFileSync(mote, ['demo', project, '--no-serve', '--no-profile'], { stdio: ['ignore', 'ignore', 'inherit'] });
const truth = new Map();  // unlabelled sample name -> the motion it records
{
  const exported = join(work, 'export');
  cli('export', exported, '--category', 'testing', '--unsigned');
  const manifest = JSON.parse(readFileSync(join(exported, 'info.labels')));
  const unknown = join(work, 'unknown');
  mkdirSync(unknown);
  const files = [];
  for (const motion of ['idle', 'wave', 'circle', 'updown']) {
    const entry = manifest.files.find((f) => f.label?.label === motion);
    const doc = JSON.parse(readFileSync(join(exported, entry.path)));
    doc.payload.values = doc.payload.values.map((frame) => frame.map((v) => v + 0.01));
    const name = `unknown-${files.length + 1}`;
    writeFileSync(join(unknown, `${name}.json`), JSON.stringify(doc));
    files.push({ path: `${name}.json`, name, category: 'testing', label: { type: 'unlabeled' } });
    truth.set(name, motion);
  }
  writeFileSync(join(unknown, 'info.labels'), JSON.stringify({ version: 1, files }));
  cli('import', unknown);
  assert.equal(samples().filter((s) => s.label === '').length, 4, 'four unlabelled samples imported');
}

const freePort = () => new Promise((ok) => { const s = net.createServer(); s.listen(0, '127.0.0.1', () => { const p = s.address().port; s.close(() => ok(p)); }); });
let server, browser;
async function serve() {
  const port = await freePort();
  server = spawn(mote, ['-C', project, 'serve', '--port', String(port), '--workers', '2'], { stdio: ['ignore', 'pipe', 'inherit'] });
  return new Promise((ok, fail) => {
    let out = '';
    server.stdout.on('data', (d) => { out += d; const m = /studio: (http:\S+\?token=\w+)/.exec(out); if (m) ok(m[1]); });
    server.on('exit', (c) => fail(new Error(`mote serve exited (${c}): ${out}`)));
    setTimeout(() => fail(new Error(`no studio link printed: ${out}`)), 20000);
  });
}
const cleanup = () => {
  if (server) { server.kill('SIGINT'); setTimeout(() => server.kill('SIGKILL'), 10000).unref(); }
  rmSync(work, { recursive: true, force: true });
};

try {
  const link = await serve();
  browser = await chromium.launch({ executablePath: '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update'] });
  const problems = [];
  async function open(hash, viewport) {
    const page = await browser.newPage({ viewport });
    page.on('pageerror', (e) => problems.push(`${viewport.width}px ${hash}: ${e.message}`));
    page.on('console', (m) => { if (m.type() === 'error') problems.push(`${viewport.width}px ${hash}: console: ${m.text()}`); });
    page.on('response', (r) => { if (r.status() >= 400) problems.push(`${viewport.width}px: ${r.status()} from ${r.url().replace(/^http:\/\/[^/]+/, '')}`); });
    page.on('dialog', (d) => d.accept());  // restore and delete ask first
    page.setDefaultTimeout(30000);
    await page.goto(link);
    await page.goto(link.replace(/\/\?token=.*/, `/${hash}`));
    return page;
  }
  const shot = (page, name) => page.screenshot({ path: join(outDir, `${name}.png`), fullPage: true });
  const noOverflow = async (page, what) => {
    const [sw, w] = await page.evaluate(() => [document.documentElement.scrollWidth, window.innerWidth]);
    assert.ok(sw <= w + 1, `${what}: the page is ${sw} px wide in a ${w} px window`);
  };
  // Tab from the top of the page until `selector` has the focus: it is reachable by keyboard.
  async function reachable(page, selector, presses = 80) {
    await page.evaluate(() => { document.activeElement?.blur(); window.scrollTo(0, 0); });
    for (let i = 0; i < presses; ++i) {
      await page.keyboard.press('Tab');
      if (await page.evaluate((s) => document.activeElement?.matches(s) ?? false, selector)) return;
    }
    assert.fail(`${selector}: not reached in ${presses} Tab presses`);
  }

  // Every control on the page (button, link, field, select, element with a tabindex; visible and enabled) gets
  // the focus when Tab is pressed through the page from the top: the whole page works from the keyboard. A
  // radio group counts once (Tab enters it once; arrows move inside).
  async function everyControlReachable(page, what) {
    const total = await page.evaluate(() => {
      const sel = 'a[href], button, input:not([type=hidden]), select, textarea, [tabindex]:not([tabindex="-1"])';
      const all = [...document.querySelectorAll(sel)].filter((e) => !e.disabled && e.getClientRects().length > 0 &&
        getComputedStyle(e).visibility !== 'hidden' && !e.closest('[hidden], [inert]'));
      window.__controls = all;
      window.__reached = new Set();
      document.addEventListener('focusin', (e) => window.__reached.add(e.target));
      document.activeElement?.blur();
      window.scrollTo(0, 0);
      return all.length;
    });
    // Blur does not move Chromium's focus starting point: Tab may begin mid-page and wrap around through the
    // browser's own UI, so press until every control was reached, up to three rounds of the page.
    const missedNow = () => page.evaluate(() => {
      const reachedGroups = new Set([...window.__reached].filter((e) => e.type === 'radio').map((e) => e.name));
      return window.__controls.filter((e) => !window.__reached.has(e) && !(e.type === 'radio' && reachedGroups.has(e.name)))
        .map((e) => `${e.tagName.toLowerCase()}${e.id ? '#' + e.id : ''}${e.name ? `[name=${e.name}]` : ''} "${(e.textContent || e.getAttribute('aria-label') || '').trim().slice(0, 30)}"`);
    });
    let missed = await missedNow();
    for (let i = 0; i < 3 * total + 20 && missed.length; ++i) {
      await page.keyboard.press('Tab');
      if (i % 5 === 4) missed = await missedNow();
    }
    missed = await missedNow();
    assert.deepEqual(missed, [], `${what}: controls Tab never reaches`);
    return total;
  }

  // 0. Unlabelled samples read as such: the dashboard's row and the Data page's filter.
  phase('unlabelled samples on the dashboard and the Data page');
  const page = await open('#/dashboard', { width: 1280, height: 800 });
  await page.waitForSelector('#label-table');
  assert.equal((await page.textContent('#label-table tr[data-label=""] td')).trim(), '(unlabelled)');
  assert.equal((await page.textContent('#label-table tr[data-label=""] td:last-child')).trim(), '4');
  await page.goto(link.replace(/\/\?token=.*/, '/#/data'));
  await page.waitForSelector('#filter-label option:has-text("(unlabelled)")', { state: 'attached' });
  await page.selectOption('#filter-label', { label: '(unlabelled)' });
  await page.waitForFunction(() => [...document.querySelectorAll('td.name')].length === 4 &&
    [...document.querySelectorAll('td.name')].every((td) => td.textContent.startsWith('unknown-')));

  // 1. Feature explorer: generate features, then a lasso around the idle windows.
  phase('features and the lasso');
  await page.goto(link.replace(/\/\?token=.*/, '/#/features'));
  // The demo ran a features job already (the explorer opens drawn); this one adds the unlabelled recordings.
  await page.waitForFunction(() => Number(document.querySelector('#explorer canvas')?.dataset.points ?? 0) > 0);
  await page.click('#generate-features');
  await page.waitForSelector('.job-status.done', { timeout: 120000 });
  const before = samples();
  const features = await (await page.request.get(link.replace(/\/\?token=.*/, '/api/features'))).json();
  assert.ok(features.projection.points.some((p) => p.label === ''), 'the new job has the unlabelled windows');
  await page.waitForFunction((n) => Number(document.querySelector('#explorer canvas')?.dataset.points ?? 0) === n, features.projection.points.length);
  await page.click('[data-tool="lasso"]');
  const canvas = await page.$('#explorer canvas');
  await canvas.scrollIntoViewIfNeeded();
  const box = await canvas.boundingBox();  // viewport coordinates, as page.mouse takes them
  const frame = JSON.parse(await canvas.getAttribute('data-frame'));
  const scale = box.width / frame.w;
  const px = (p) => ({
    x: box.x + scale * (frame.pad.l + ((p.x - frame.x0) / (frame.x1 - frame.x0)) * (frame.w - frame.pad.l - frame.pad.r)),
    y: box.y + scale * (frame.h - frame.pad.b - ((p.y - frame.y0) / (frame.y1 - frame.y0)) * (frame.h - frame.pad.t - frame.pad.b)) });
  // An outline around the idle windows: their bounding box padded by 4 px, drawn as a lasso of many steps.
  const idle = features.projection.points.filter((p) => p.label === 'idle').map(px);
  const lo = { x: Math.min(...idle.map((p) => p.x)) - 4, y: Math.min(...idle.map((p) => p.y)) - 4 };
  const hi = { x: Math.max(...idle.map((p) => p.x)) + 4, y: Math.max(...idle.map((p) => p.y)) + 4 };
  const outline = [];
  for (let i = 0; i <= 10; ++i) outline.push({ x: lo.x + (hi.x - lo.x) * i / 10, y: lo.y });
  for (let i = 0; i <= 10; ++i) outline.push({ x: hi.x, y: lo.y + (hi.y - lo.y) * i / 10 });
  for (let i = 0; i <= 10; ++i) outline.push({ x: hi.x - (hi.x - lo.x) * i / 10, y: hi.y });
  for (let i = 0; i <= 10; ++i) outline.push({ x: lo.x, y: hi.y - (hi.y - lo.y) * i / 10 });
  // What the lasso must catch: every window inside the outline, idle or not.
  const inBox = (q) => q.x >= lo.x && q.x <= hi.x && q.y >= lo.y && q.y <= hi.y;
  const caught = features.projection.points.filter((p) => inBox(px(p)));
  const caughtIds = [...new Set(caught.map((p) => p.sample_id))].sort((a, b) => a - b);
  assert.ok(caughtIds.length >= 10, `the lasso catches ${caughtIds.length} samples (want at least 10 to relabel)`);
  await page.mouse.move(outline[0].x, outline[0].y);
  await page.mouse.down();
  for (const q of outline.slice(1)) await page.mouse.move(q.x, q.y, { steps: 2 });
  await page.mouse.up();
  const count = page.locator('#selection-count');
  await count.waitFor();
  assert.equal(Number(await count.getAttribute('data-windows')), caught.length, 'every window inside the lasso is selected');
  assert.equal(Number(await count.getAttribute('data-samples')), caughtIds.length);
  await shot(page, 'w1-explorer-lasso');
  await page.fill('#relabel-to', 'resting');
  await page.click('#relabel-selected');
  await page.waitForSelector('.toast.ok');
  const after = samples();
  const relabelled = after.filter((s) => s.label === 'resting').map((s) => s.id).sort((a, b) => a - b);
  assert.deepEqual(relabelled, caughtIds, 'exactly the lassoed samples carry the new label in the store');
  for (const s of before) if (!caughtIds.includes(s.id)) assert.equal(after.find((x) => x.id === s.id).label, s.label, `sample ${s.id} is untouched`);
  // The explorer redraws them in the new label's colour without a new features job, and keeps them selected.
  await page.waitForFunction(() => [...document.querySelectorAll('#explorer .legend span')].some((e) => e.textContent === 'resting'));
  phase(`relabelled ${caughtIds.length} samples; the box, move and delete`);

  // 1b. Box: a square over the middle of the circle windows selects the windows inside it; Move to testing
  //     moves exactly their samples; Delete samples then deletes them and the explorer drops their windows.
  {
    await page.click('[data-tool="box"]');
    const c2 = await page.$('#explorer canvas');
    await c2.scrollIntoViewIfNeeded();
    const b2 = await c2.boundingBox(), f2 = JSON.parse(await c2.getAttribute('data-frame')), s2 = b2.width / f2.w;
    const at = (p) => ({
      x: b2.x + s2 * (f2.pad.l + ((p.x - f2.x0) / (f2.x1 - f2.x0)) * (f2.w - f2.pad.l - f2.pad.r)),
      y: b2.y + s2 * (f2.h - f2.pad.b - ((p.y - f2.y0) / (f2.y1 - f2.y0)) * (f2.h - f2.pad.t - f2.pad.b)) });
    const pts = (await (await page.request.get(link.replace(/\/\?token=.*/, '/api/features'))).json()).projection.points;
    const circ = pts.filter((p) => p.label === 'circle').map(at);
    const mid = { x: circ.reduce((a, q) => a + q.x, 0) / circ.length, y: circ.reduce((a, q) => a + q.y, 0) / circ.length };
    const c = circ.reduce((best, q) => Math.hypot(q.x - mid.x, q.y - mid.y) < Math.hypot(best.x - mid.x, best.y - mid.y) ? q : best);  // a circle window near the middle
    // The smallest square around the centre with windows of at least 2 samples well inside it. Pointer positions
    // may be rounded to whole pixels, so a window within 1.5 px of the edge may fall either side: the page must
    // select every window well inside, none well outside, and whole samples (it lists them in data-ids).
    const cx = Math.round(c.x), cy = Math.round(c.y);
    const d = pts.map((p) => { const q = at(p); return Math.max(Math.abs(q.x - cx), Math.abs(q.y - cy)); });
    let r = 3;
    while (r < 150 && new Set(pts.filter((p, i) => d[i] < r - 1.5).map((p) => p.sample_id)).size < 2) ++r;
    const sure = pts.filter((p, i) => d[i] < r - 1.5), maybe = pts.filter((p, i) => Math.abs(d[i] - r) <= 1.5);
    const sureIds = new Set(sure.map((p) => p.sample_id)), edgeIds = new Set(maybe.map((p) => p.sample_id));
    assert.ok(sureIds.size >= 2 && sureIds.size <= 8, `the box holds windows of ${sureIds.size} samples`);
    await page.mouse.move(cx - r, cy - r);
    await page.mouse.down();
    await page.mouse.move(cx + r, cy + r, { steps: 6 });
    await page.mouse.up();
    await page.waitForFunction(() => Number(document.querySelector('#selection-count')?.dataset.windows ?? 0) > 0);
    const selWindows = Number(await page.getAttribute('#selection-count', 'data-windows'));
    assert.ok(selWindows >= sure.length && selWindows <= sure.length + maybe.length, `the box selects the windows inside it (${selWindows}; ${sure.length} inside, ${maybe.length} on the edge)`);
    const ids = (await page.getAttribute('#selection-count', 'data-ids')).split(' ').map(Number);
    assert.equal(Number(await page.getAttribute('#selection-count', 'data-samples')), ids.length);
    for (const id of sureIds) assert.ok(ids.includes(id), `sample ${id}, inside the box, is selected`);
    for (const id of ids) assert.ok(sureIds.has(id) || edgeIds.has(id), `sample ${id} is selected but has no window in the box`);
    const was = samples();
    await page.click('#move-testing');
    await page.waitForSelector(`.toast.ok:has-text("moved ${ids.length} samples to testing")`);
    const moved = samples();
    for (const s of was) assert.equal(moved.find((x) => x.id === s.id).category, ids.includes(s.id) ? 'testing' : s.category, `sample ${s.id}'s category`);
    await page.click('#delete-selected');  // asks first: accepted
    await page.waitForSelector(`.toast.ok:has-text("deleted ${ids.length} samples")`);
    const left = samples();
    assert.deepEqual(left.map((s) => s.id).sort((a, b) => a - b), was.map((s) => s.id).filter((id) => !ids.includes(id)).sort((a, b) => a - b), 'exactly the boxed samples are deleted');
    const gone = pts.filter((p) => ids.includes(p.sample_id)).length;
    await page.waitForFunction((n) => Number(document.querySelector('#explorer canvas')?.dataset.points ?? 0) === n, pts.length - gone);
    await page.click('[data-tool="none"]');
  }
  phase('suggestions for the unlabelled');

  // 2. Unlabelled samples: cluster suggestions, reviewed and accepted in one batch.
  await page.selectOption('#suggest-method', 'cluster');
  await page.fill('#suggest-min', '0');
  await page.click('#suggest-labels');
  await page.waitForSelector('#suggestions-table');
  const rows = await page.$$eval('#suggestions-table tbody tr', (trs) => trs.map((tr) => ({
    name: tr.children[1].textContent, label: tr.querySelector('input[type=text]').value, checked: tr.querySelector('input[type=checkbox]').checked })));
  // The lasso around the idle windows also caught the unlabelled idle recording: it was labelled there.
  const stillUnlabelled = before.filter((s) => truth.has(s.name) && !caughtIds.includes(s.id)).map((s) => s.name).sort();
  assert.ok(stillUnlabelled.length >= 3, 'the other motions\' recordings are still unlabelled');
  assert.deepEqual(rows.map((r) => r.name).sort(), stillUnlabelled);
  for (const r of rows) {
    assert.ok(r.checked, `${r.name} is checked at 0 %`);
    // idle recordings lie in the cluster just renamed "resting": the nearest labelled cluster is that one.
    const want = truth.get(r.name) === 'idle' ? 'resting' : truth.get(r.name);
    assert.equal(r.label, want, `${r.name}: suggested ${r.label}`);
  }
  await shot(page, 'w2-suggestions');
  // The classifier's suggestions for the same samples: its prediction and probability per sample.
  await page.selectOption('#suggest-method', 'model');
  await page.click('#suggest-labels');
  await page.waitForFunction(() => /classifier classifier/.test(document.querySelector('#suggestions')?.textContent ?? ''));
  const byModel = await page.$$eval('#suggestions-table tbody tr', (trs) => trs.map((tr) => ({
    name: tr.children[1].textContent, label: tr.querySelector('input[type=text]').value, confidence: tr.children[4].textContent })));
  assert.deepEqual(byModel.map((r) => r.name).sort(), stillUnlabelled);
  for (const r of byModel) {
    assert.match(r.confidence, /^\d+\.\d %$/);
    assert.ok(['idle', 'wave', 'circle', 'updown'].includes(r.label), `${r.name}: the classifier knows ${r.label}`);
  }
  await page.selectOption('#suggest-method', 'cluster');
  await page.click('#suggest-labels');
  await page.waitForFunction(() => !/classifier classifier/.test(document.querySelector('#suggestions')?.textContent ?? ''));
  // The suggestion controls are reached with Tab (after the explorer's tools and the selection bar).
  for (const control of ['#suggest-method', '#suggest-labels', '#suggestions-table input[type=checkbox]', '#accept-suggestions'])
    await reachable(page, control, 200);
  await page.click('#accept-suggestions');
  await page.waitForSelector('#no-suggestions');
  for (const s of samples().filter((x) => truth.has(x.name))) {
    if (!stillUnlabelled.includes(s.name)) { assert.equal(s.label, 'resting', `${s.name} was labelled by the lasso`); continue; }
    const want = truth.get(s.name) === 'idle' ? 'resting' : truth.get(s.name);
    assert.equal(s.label, want, `${s.name} labelled ${want} in the store`);
  }
  await page.close();

  // 3. Versions: save the demo's trained impulse, train another FFT length, save it, compare, restore.
  phase('versions');
  const v = await open('#/versions', { width: 1280, height: 800 });
  await v.fill('#version-name', 'baseline');
  await v.click('#save-version');
  await v.waitForSelector('tr[data-version="baseline"]', { timeout: 120000 });
  assert.match(await v.textContent('tr[data-version="baseline"] .version-metrics'), /classifier: accuracy \d+\.\d %/);
  const imp = impulseOf();
  imp.dsp.find((b) => b.type === 'spectral').params.fft_length = 32;
  imp.learn.find((b) => b.type === 'classifier').params.epochs = 8;
  writeFileSync(join(work, 'fft32.json'), JSON.stringify(imp));
  cli('impulse', 'set', join(work, 'fft32.json'));
  cli('train', '--json');
  await v.fill('#version-name', 'fft32');
  await v.keyboard.press('Enter');
  await v.waitForSelector('tr[data-version="fft32"]', { timeout: 120000 });
  await v.check('input[name=compare][value="baseline"]');
  await v.check('input[name=compare][value="fft32"]');
  await v.click('#compare-versions');
  await v.waitForSelector('#compare-table');
  const fft = await v.$$eval('#compare-impulse tr[data-path="impulse.dsp[0].params.fft_length"] td', (tds) => tds.map((t) => t.textContent));
  assert.deepEqual(fft.slice(1), ['64', '32'], 'the compare table shows the FFT length of each version');
  const acc = await v.$$eval('#compare-table tr[data-metric="classifier testing accuracy"] td', (tds) => tds.map((t) => t.textContent));
  assert.equal(acc.length, 3);
  for (const a of acc.slice(1)) assert.match(a, /^\d+\.\d %$/);
  await shot(v, 'w3-versions');
  await v.click('tr[data-version="baseline"] [data-action="restore"]');
  await v.waitForSelector('.toast.ok:has-text("restored baseline")');
  assert.equal(impulseOf().dsp[0].params.fft_length, 64, 'mote.json holds the restored impulse');
  const tested = JSON.parse(cli('test', '--json'));  // its models are current again: no training needed
  assert.ok(tested.blocks.length >= 1);
  await v.close();

  // 4. Boards: profile on the nano33ble's core from the page; a board of another core asks to profile.
  phase('boards (QEMU profile)');
  const d = await open('#/deploy', { width: 1280, height: 800 });
  await d.selectOption('#board-select', 'nano33ble');
  await d.waitForSelector('#board-unprofiled');
  await d.click('#profile-board');
  await d.waitForSelector('#board-table', { timeout: 300000 });
  assert.match(await d.textContent('#board-verdict'), /^fits on nano33ble$/);
  const ram = await d.$$eval('#board-table tr[data-row="RAM"] td', (tds) => tds.map((t) => t.textContent));
  assert.equal(ram[2], '256 KiB', 'the board\'s RAM beside the impulse\'s');
  assert.match(ram[1], /^\d+\.\d\d KiB$/);
  assert.equal(ram[4], 'fits');
  const flash = await d.$$eval('#board-table tr[data-row="flash"] td', (tds) => tds.map((t) => t.textContent));
  assert.equal(flash[2], '1 MiB');
  assert.match(await d.textContent('#board-table tr[data-row="latency-total"]'), /\d ms.*64 MHz/);
  // The same figures as the API's board_fit (what mote profile --board prints).
  const fit = (await (await d.request.get(link.replace(/\/\?token=.*/, '/api/profile?board=nano33ble'))).json()).board_fit;
  assert.equal(ram[1], `${(fit.ram.needed_bytes / 1024).toFixed(2)} KiB`);
  await shot(d, 'w4-deploy-board');
  // A 16 kB micro:bit is another core (cortex-m0): not profiled yet.
  await d.selectOption('#board-select', 'microbit');
  await d.waitForSelector('#board-unprofiled');
  assert.match(await d.textContent('#profile-board'), /cortex-m0/);
  await d.close();

  // 5. Every page at both sizes: no overflow, no console errors; the new controls reachable by keyboard.
  for (const viewport of [{ width: 1280, height: 800 }, { width: 390, height: 844 }]) {
    phase(`every page at ${viewport.width}x${viewport.height}`);
    const tag = viewport.width < 600 ? '-phone' : '';
    const p = await open('#/dashboard', viewport);
    for (const hash of ['dashboard', 'data', 'impulse', 'features', 'training', 'tune', 'anomaly', 'testing', 'classify', 'deploy', 'versions']) {
      await p.goto(link.replace(/\/\?token=.*/, `/#/${hash}`));
      await p.waitForSelector(`.page[data-page="${hash}"] .card`);
      await p.waitForLoadState('networkidle');
      await noOverflow(p, `${viewport.width}px ${hash}`);
      const controls = await everyControlReachable(p, `${viewport.width}px ${hash}`);
      assert.ok(controls >= 3, `${hash}: ${controls} controls`);
    }
    await p.goto(link.replace(/\/\?token=.*/, '/#/features'));
    await p.waitForSelector('#explorer canvas');
    await reachable(p, '[data-tool="lasso"]');
    await reachable(p, '#select-label');
    // Keyboard only: select a label's windows and see the selection bar.
    await p.focus('#select-label');
    await p.selectOption('#select-label', 'wave');
    assert.ok(Number(await p.getAttribute('#selection-count', 'data-samples')) > 0);
    await reachable(p, '#relabel-selected', 120);
    if (tag) await shot(p, 'w1-explorer-phone');
    await p.goto(link.replace(/\/\?token=.*/, '/#/versions'));
    await p.waitForSelector('#versions-table');
    await reachable(p, '#save-version');
    await reachable(p, 'tr[data-version="baseline"] [data-action="restore"]');
    if (tag) await shot(p, 'w3-versions-phone');
    await p.goto(link.replace(/\/\?token=.*/, '/#/deploy'));
    await p.waitForSelector('#board-table');
    await reachable(p, '#board-select');
    if (tag) await shot(p, 'w4-deploy-phone');
    await p.close();
  }
  assert.deepEqual(problems, [], 'no script or console errors');
  phase('done');
} catch (e) {
  console.error(e);
  process.exitCode = 1;
} finally {
  await browser?.close();
  cleanup();
}
