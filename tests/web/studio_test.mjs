// Browser test of the studio: a real `mote serve` over a demo project, driven through Debian's Chromium.
// Usage: node studio_test.mjs MOTE_BIN OUT_DIR (run by tests/web/run, which skips when tools are missing).
import { spawn, execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync, mkdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import net from 'node:net';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';

// playwright-core lives in web/node_modules (a devDependency of the studio); `run` starts us from web/.
const { chromium } = createRequire(join(process.cwd(), 'package.json'))('playwright-core');

const [mote, outDir] = process.argv.slice(2);
const t0 = Date.now();
const phase = (name) => console.log(`${((Date.now() - t0) / 1000).toFixed(1)} s: ${name}`);
mkdirSync(outDir, { recursive: true });
const work = mkdtempSync(join(tmpdir(), 'mote-studio-test-'));
const project = join(work, 'demo');
// No profile here: the deployment page's “Profile again” makes it (one QEMU run pair, not two).
execFileSync(mote, ['demo', project, '--no-serve', '--no-profile'], { stdio: ['ignore', 'ignore', 'inherit'] });

const store = (...args) => JSON.parse(execFileSync(mote, ['-C', project, 'samples', '--json', ...args]).toString()).samples;
const freePort = () => new Promise((ok) => { const s = net.createServer(); s.listen(0, '127.0.0.1', () => { const p = s.address().port; s.close(() => ok(p)); }); });

const port = await freePort();
const server = spawn(mote, ['-C', project, 'serve', '--port', String(port), '--workers', '2'], { stdio: ['ignore', 'pipe', 'inherit'] });
let browser;
// A job still running (a QEMU profile) holds a graceful stop: SIGKILL after 10 s so the test never hangs.
const cleanup = () => {
  server.kill('SIGINT');
  setTimeout(() => server.kill('SIGKILL'), 10000).unref();
  rmSync(work, { recursive: true, force: true });
};
try {
  const link = await new Promise((ok, fail) => {
    let out = '';
    server.stdout.on('data', (d) => { out += d; const m = /studio: (http:\S+\?token=\w+)/.exec(out); if (m) ok(m[1]); });
    server.on('exit', (c) => fail(new Error(`mote serve exited (${c}): ${out}`)));
    setTimeout(() => fail(new Error(`no studio link printed: ${out}`)), 20000);
  });
  browser = await chromium.launch({ executablePath: '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update'] });
  const page = await browser.newPage({ viewport: { width: 1360, height: 900 } });
  const pageErrors = [];
  page.on('pageerror', (e) => pageErrors.push(e.message));
  // Console errors too; the one 400 the test asks for (saving a window of -5 ms) is the answer it checks.
  let expect400 = '';
  page.on('console', (m) => { if (m.type() === 'error' && !(expect400 && /status of 400/.test(m.text()))) pageErrors.push(`console: ${m.text()}`); });
  page.on('response', (r) => {
    const path = r.url().replace(/^http:\/\/[^/]+/, '');
    if (r.status() >= 400 && !(r.status() === 400 && path.startsWith(expect400 || '\0'))) pageErrors.push(`${r.status()} from ${path}`);
  });
  page.setDefaultTimeout(30000);
  const shot = (name) => page.screenshot({ path: join(outDir, `${name}.png`), fullPage: true });
  // Counts the canvas pixels that are not blank: a drawn chart has many.
  const inkedPixels = (sel) => page.$eval(sel, (c) => {
    const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
    let n = 0;
    for (let i = 3; i < d.length; i += 4) if (d[i] > 0) n++;
    return n;
  });

  phase('demo project made, server up');
  // 1. Dashboard: the token link sets the cookie; counts match the store.
  await page.goto(link);
  await page.waitForSelector('#label-table tbody tr');
  const all = store();
  assert.equal(Number(await page.textContent('#stat-samples .stat-value')), all.length, 'dashboard sample count');
  const perLabel = {};
  for (const s of all) perLabel[s.label] = perLabel[s.label] ?? { training: 0, testing: 0 }, perLabel[s.label][s.category]++;
  const rows = await page.$$eval('#label-table tbody tr', (trs) => trs.map((tr) => [...tr.children].map((td) => td.textContent)));
  assert.equal(rows.length, Object.keys(perLabel).length, 'one dashboard row per label');
  for (const [label, training, testing] of rows) {
    assert.equal(Number(training), perLabel[label].training, `${label} training count`);
    assert.equal(Number(testing), perLabel[label].testing, `${label} testing count`);
  }
  await shot('1-dashboard');

  // 2. Data: pages of 20, a sample's signal draws, relabel through the UI changes the store.
  await page.goto(link.replace(/\?token=.*/, '#/data'));
  await page.waitForSelector('#sample-table tbody tr[data-id]');
  assert.equal(await page.textContent('#page-info'), `1–20 of ${all.length}`);
  const firstPage = await page.$$eval('#sample-table tbody tr[data-id]', (t) => t.map((r) => r.dataset.id));
  await page.click('#page-next');
  await page.waitForFunction(() => document.querySelector('#page-info').textContent.startsWith('21–'));
  const secondPage = await page.$$eval('#sample-table tbody tr[data-id]', (t) => t.map((r) => r.dataset.id));
  assert.equal(firstPage.length, 20);
  assert.ok(secondPage.length > 0 && !secondPage.some((id) => firstPage.includes(id)), 'page 2 shows other samples');
  const target = Number(secondPage[0]);
  await page.click(`#sample-table tbody tr[data-id="${target}"]`);
  await page.waitForSelector('#signal-plot canvas');
  assert.ok(await inkedPixels('#signal-plot canvas') > 2000, 'the signal plot draws');
  await page.fill('#sample-label', 'relabelled-in-ui');
  await page.click('#relabel-btn');
  await page.waitForFunction(() => document.querySelector('#sample-detail p')?.textContent.startsWith('relabelled-in-ui'));
  const relabelled = store('--label', 'relabelled-in-ui');
  assert.deepEqual(relabelled.map((s) => s.id), [target], 'the store holds the new label');
  await shot('2-data');

  // 3. Upload through the file input stores a sample.
  const values = Array.from({ length: 125 }, (_, i) => [Math.sin(i / 5), Math.cos(i / 7), 9.8]);
  const acq = { protected: { ver: 'v1', alg: 'none' }, signature: '0',
    payload: { device_type: 'TEST', interval_ms: 16, sensors: [{ name: 'accX', units: 'm/s2' }, { name: 'accY', units: 'm/s2' }, { name: 'accZ', units: 'm/s2' }], values } };
  const file = join(work, 'uploaded.01.json');
  writeFileSync(file, JSON.stringify(acq));
  await page.setInputFiles('#upload-input', file);
  await page.waitForFunction((n) => document.querySelector('#page-info').textContent.endsWith(`of ${n}`), all.length + 1);
  const up = store('--label', 'uploaded');
  assert.equal(up.length, 1, 'the upload is stored with the label from its file name');
  assert.equal(up[0].frames, 125);

  phase('data page done');
  // 4. Features: the job streams its log; the explorer draws points.
  await page.goto(link.replace(/\?token=.*/, '#/features'));
  await page.click('#generate-features');
  await page.waitForFunction(() => /features: \d+\/\d+ samples/.test(document.querySelector('pre.log').textContent));
  await page.waitForSelector('.job-status.done');
  await page.waitForSelector('#explorer canvas');
  const points = Number(await page.getAttribute('#explorer canvas', 'data-points'));
  assert.ok(points > 100, `the explorer has windows (${points})`);
  assert.ok(await inkedPixels('#explorer canvas') > 2000, 'the scatter draws');
  await shot('3-features');

  phase('features done');
  // 5. Training: evaluate; the confusion matrix appears with one row per trained label.
  await page.goto(link.replace(/\?token=.*/, '#/training'));
  await page.waitForSelector('#models .model canvas');
  await page.click('#run-test');
  await page.waitForSelector('#confusion-matrix tbody tr');
  const cm = await page.$$eval('#confusion-matrix tbody tr', (t) => t.map((r) => r.querySelector('th').textContent));
  assert.deepEqual(cm.sort(), ['circle', 'idle', 'updown', 'wave']);
  // Training through the UI: 5 epochs (saved into the impulse), the live chart follows the epoch lines.
  await page.fill('input[data-param="epochs"]', '5');
  await page.click('#start-training');
  await page.waitForFunction(() => /epoch 5\/5/.test(document.querySelector('pre.log').textContent));
  await page.waitForSelector('.job-status.done');
  await page.waitForSelector('#live-chart canvas');
  assert.ok(await inkedPixels('#live-chart canvas') > 1000, 'the live loss chart draws');
  const impulse = JSON.parse(execFileSync(mote, ['-C', project, 'impulse', 'show', '--json']).toString());
  const classifier = (impulse.impulse ?? impulse).learn.find((b) => b.type === 'classifier');
  assert.equal(classifier.params.epochs, 5, 'the epochs field was saved into the impulse');
  await shot('4-training');
  // Import a model trained elsewhere: the classifier just trained, written as an int8 .tflite, comes back in
  // through the page's file input (POST /api/models/import) and replaces the block's model.
  execFileSync(mote, ['-C', project, 'deploy', '--format', 'tflite', '-o', join(work, 'tflite')], { stdio: ['ignore', 'ignore', 'inherit'] });
  await page.setInputFiles('#import-model-file', join(work, 'tflite', 'classifier.tflite'));
  await page.click('#import-model');
  await page.waitForFunction(() => /Imported classifier\.tflite \(tflite int8\)/.test(document.querySelector('#import-model-result').textContent));
  await page.waitForFunction(() => /imported from classifier\.tflite/.test(document.querySelector('#models').textContent));
  const imported = JSON.parse(execFileSync(mote, ['-C', project, 'impulse', 'show', '--json']).toString());
  assert.equal((imported.impulse ?? imported).learn.find((b) => b.type === 'classifier').params.imported, 'classifier.tflite');

  await page.goto(link.replace(/\?token=.*/, '#/impulse'));
  await page.waitForSelector('#impulse-sizes table');
  // A bad parameter: the server's validation message is shown, naming the field.
  await page.fill('#input-fields [data-path="impulse.input.window_ms"]', '-5');
  expect400 = '/api/impulse';
  await page.click('#save-impulse');
  await page.waitForSelector('#impulse-errors .error-box');
  assert.match(await page.textContent('#impulse-errors'), /window_ms/);
  await shot('5-impulse');
  await page.goto(link.replace(/\?token=.*/, '#/testing'));
  await page.waitForSelector('#prediction-table tbody tr');
  expect400 = '';  // the save's 400 and its console line have surely arrived by now
  await shot('6-testing');
  const testing = store('--category', 'testing', '--label', 'wave')[0];
  await page.goto(link.replace(/\?token=.*/, `#/classify?sample=${testing.id}`));
  await page.waitForSelector('#classify-result canvas');
  assert.match(await page.textContent('#classify-result'), /predicted wave/);
  assert.ok(await inkedPixels('#classify-result canvas') > 1000, 'the per-window chart draws');
  await shot('7-classify');
  phase('training, impulse, testing, classify done');
  // 8. Drag-and-drop upload: a real drop event carrying a File in a DataTransfer, on the data page's drop zone.
  await page.goto(link.replace(/\?token=.*/, '#/data'));
  await page.waitForSelector('#sample-table tbody tr[data-id]');
  const before = store().length;
  const dropped = JSON.stringify({ ...acq, payload: { ...acq.payload, values: values.slice(0, 100) } });
  const dt = await page.evaluateHandle((text) => {
    const d = new DataTransfer();
    d.items.add(new File([text], 'dropped.01.json', { type: 'application/json' }));
    return d;
  }, dropped);
  await page.dispatchEvent('#drop-zone', 'dragover', { dataTransfer: dt });
  await page.dispatchEvent('#drop-zone', 'drop', { dataTransfer: dt });
  await page.waitForFunction((n) => document.querySelector('#page-info').textContent.endsWith(`of ${n}`), before + 1);
  const drop = store('--label', 'dropped');
  assert.equal(drop.length, 1, 'the dropped file is stored with the label from its name');
  assert.equal(drop[0].frames, 100);
  // Crop it in the UI: frames starting in [0, 800) ms at 16 ms are 50.
  await page.goto(link.replace(/\?token=.*/, `#/data?sample=${drop[0].id}`));
  await page.waitForSelector('#crop-end');
  await page.fill('#crop-start', '0');
  await page.fill('#crop-end', '800');
  await page.click('#crop-btn');
  for (let i = 0; i < 100 && store('--label', 'dropped')[0].frames !== 50; ++i) await page.waitForTimeout(100);
  assert.equal(store('--label', 'dropped')[0].frames, 50, 'the crop reached the store');
  await shot('8-data-dropped-cropped');

  phase('drop and crop done');
  // 9. Anomaly: the cluster scatter and the score histogram draw; another feature redraws the scatter.
  await page.goto(link.replace(/\?token=.*/, '#/anomaly'));
  await page.waitForSelector('#anomaly-scatter canvas');
  assert.ok(Number(await page.getAttribute('#anomaly-scatter canvas', 'data-points')) > 100, 'the anomaly scatter has windows');
  assert.ok(await inkedPixels('#anomaly-scatter canvas') > 2000, 'the anomaly scatter draws');
  assert.ok(await inkedPixels('#anomaly-histogram canvas') > 1000, 'the score histogram draws');
  assert.match(await page.textContent('#anomaly-histogram'), /threshold \d/);
  const oldCanvas = await page.$('#anomaly-scatter canvas');
  await page.selectOption('#anomaly-y', '4');
  await page.waitForFunction((c) => !c.isConnected, oldCanvas);
  await page.waitForSelector('#anomaly-scatter canvas');
  assert.equal(await page.inputValue('#anomaly-y'), '4');
  assert.ok(await inkedPixels('#anomaly-scatter canvas') > 2000, 'the scatter redraws over the new feature');
  await shot('9-anomaly');

  phase('anomaly done');
  // 10. Live classification from a device: forwarder lines POSTed at 62.5 Hz; the page shows every window.
  await page.goto(link.replace(/\?token=.*/, '#/classify'));
  await page.waitForFunction(() => /following device/.test(document.querySelector('#live-status')?.textContent ?? ''));
  const base = link.replace(/\/\?token=.*/, '');
  const token = /token=(\w+)/.exec(link)[1];
  const wave = await (await fetch(`${base}/api/samples/${testing.id}`)).json();
  let liveWindows = 0;
  for (let at = 0; at < 200; at += 25) {
    const body = wave.values.slice(at, at + 25).map((f) => f.join(',')).join('\n') + '\n';
    const r = await fetch(`${base}/api/live/device?frequency=62.5`, { method: 'POST', body, headers: { 'x-session-token': token, 'Content-Type': 'text/plain' } });
    const text = await r.text();
    assert.equal(r.status, 200, text);
    liveWindows += JSON.parse(text).windows;
    await new Promise((ok) => setTimeout(ok, 400));
  }
  assert.ok(liveWindows >= 5, `the server classified the stream (${liveWindows} windows)`);
  await page.waitForFunction((n) => Number(document.querySelector('#live-now')?.dataset.results) === n, liveWindows);
  await page.waitForSelector('#live-table tbody tr');
  assert.ok(await inkedPixels('#live-charts canvas') > 1000, 'the live chart draws');
  assert.match(await page.textContent('#live-now'), /confidence/);
  await shot('10-live');

  phase('live done');
  // 11. Deployment: the Cortex-M4 table beside the claim; build the C++ library, download the zip, check it.
  await page.goto(link.replace(/\?token=.*/, '#/deploy'));
  // Not profiled yet (demo --no-profile): the page says so; “Profile again” runs the profile job (QEMU).
  await page.waitForFunction(() => /Not profiled yet/.test(document.querySelector('#profile')?.textContent ?? ''));
  phase('deploy page open');
  await page.click('#start-profile');
  await page.waitForFunction(() => /PARITY OK/.test(document.querySelector('#profile')?.closest('.card')?.querySelector('pre.log')?.textContent ?? ''), null, { timeout: 240000 });
  await page.waitForSelector('#profile-table');
  assert.equal(await page.$('#profile-stale'), null, 'the new profile is of the current impulse');
  assert.match(await page.textContent('#profile'), /parity ok/);
  assert.match(await page.textContent('#profile-table tr[data-row="ram"]'), /\d+\.\d\d kB/);
  assert.match(await page.textContent('#claim'), /6\.6 kB/);
  assert.match(await page.textContent('#claim'), /20\.0 kB/);
  // The board card (a Cortex-M4 board is chosen first) reads the new profile too: no "not profiled" left.
  assert.equal(await page.$eval('#board-select', (s) => s.selectedOptions[0].textContent.includes('cortex-m4')), true);
  await page.waitForSelector('#board-table');
  assert.match(await page.textContent('#board-verdict'), /fits on /);
  phase('profiled');
  await page.check('input[name="deploy-format"][value="cpp"]');
  await page.click('#start-deploy');
  await page.waitForFunction(() => /deploy: done/.test(document.querySelector('pre.log')?.textContent ?? ''));
  await page.waitForSelector('#deploy-link');
  const [download] = await Promise.all([page.waitForEvent('download'), page.click('#deploy-link')]);
  const zip = join(work, 'package.zip');
  await download.saveAs(zip);
  assert.equal(download.suggestedFilename(), 'demo-cpp.zip');
  // Python's zipfile checks every entry's CRC and lists the names.
  const names = execFileSync('/usr/bin/python3', ['-c', 'import zipfile,sys; z=zipfile.ZipFile(sys.argv[1]); assert z.testzip() is None; print("\\n".join(z.namelist()))', zip]).toString().split('\n');
  for (const f of ['demo-cpp/CMakeLists.txt', 'demo-cpp/impulse/mote_impulse.cpp', 'demo-cpp/impulse/mote_model.cpp'])
    assert.ok(names.includes(f), `the package holds ${f}`);
  phase('deployed and downloaded');
  await shot('11-deploy');

  // Bulk edit: filter one label, select the page, move it all to testing.
  await page.goto(link.replace(/\?token=.*/, '#/data?label=circle'));
  await page.waitForSelector('#sample-table tbody tr[data-id]');
  await page.check('#select-page');
  await page.click('.bulk button:has-text("→ testing")');
  await page.waitForFunction(() => [...document.querySelectorAll('#sample-table tbody tr[data-id]')].every((r) => r.children[3].textContent === 'testing'));
  const circles = store('--label', 'circle');
  assert.equal(circles.length, all.filter((s) => s.label === 'circle' && s.id !== target).length);
  assert.ok(circles.every((s) => s.category === 'testing'), 'every circle sample moved to testing');
  assert.deepEqual(pageErrors, [], 'no script errors, console errors or 4xx answers');
  console.log(`studio browser test passed; screenshots in ${outDir}`);
} finally {
  if (browser) await browser.close();
  cleanup();
}
