// Browser test of the device code in the browser: on the Live classification page of a demo project, "Build for the
// browser" runs the wasm deploy job (emcc), the page imports the package's module, and "Check against the host" runs
// every testing window through the WebAssembly in Chromium; the test compares those numbers itself with the host's
// (testing.json: deploy::run_host) bit for bit: features, int8 outputs, anomaly scores. A wave testing sample is
// classified in the browser as wave, with the server asked only for its windows (no request per window). At
// 1280x800 and 390x844, no horizontal overflow, every control reachable with Tab, no console errors. Then an audio project (MFE + classifier on
// 16 kHz clips): its wasm is bit-identical too, and the microphone (Chromium's fake capture device) is classified
// window by window in the browser. Skipped (77) without emcc.
// Usage: node wasm_test.mjs MOTE_BIN OUT_DIR (run by tests/web/run).
import { spawn, execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync, mkdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import net from 'node:net';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';

try {
  execFileSync('sh', ['-c', 'command -v emcc'], { stdio: 'ignore' });
} catch {
  console.log('SKIPPED: emcc is not installed (apt-get install emscripten; scripts/setup does)');
  process.exit(77);
}
const { chromium } = createRequire(join(process.cwd(), 'package.json'))('playwright-core');
const [mote, outDir] = process.argv.slice(2);
const t0 = Date.now();
const phase = (name) => console.log(`${((Date.now() - t0) / 1000).toFixed(1)} s: ${name}`);
mkdirSync(outDir, { recursive: true });
const work = mkdtempSync(join(tmpdir(), 'mote-wasm-test-'));
const project = join(work, 'demo');
const cli = (...args) => execFileSync(mote, ['-C', project, ...args], { stdio: ['ignore', 'pipe', 'inherit'] }).toString();
execFileSync(mote, ['demo', project, '--no-serve', '--no-profile'], { stdio: ['ignore', 'ignore', 'inherit'] });

// An audio project: 1.5 s clips at 16 kHz of three sounds (a low tone, a high tone, noise), MFE + a small classifier.
const audio = join(work, 'audio');
{
  execFileSync(mote, ['init', audio], { stdio: ['ignore', 'ignore', 'inherit'] });
  const clips = join(work, 'clips');
  mkdirSync(clips);
  let seed = 7;
  const rand = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648) * 2 - 1;
  for (const [label, hz] of [['low', 300], ['high', 2500], ['noise', 0]])
    for (let k = 0; k < 6; ++k) {
      const n = 24000, buf = Buffer.alloc(44 + 2 * n);
      buf.write('RIFF', 0); buf.writeUInt32LE(36 + 2 * n, 4); buf.write('WAVEfmt ', 8); buf.writeUInt32LE(16, 16);
      buf.writeUInt16LE(1, 20); buf.writeUInt16LE(1, 22); buf.writeUInt32LE(16000, 24); buf.writeUInt32LE(32000, 28);
      buf.writeUInt16LE(2, 32); buf.writeUInt16LE(16, 34); buf.write('data', 36); buf.writeUInt32LE(2 * n, 40);
      const f = hz * (1 + 0.05 * k);
      for (let i = 0; i < n; ++i) buf.writeInt16LE(Math.round(hz ? 9000 * Math.sin(2 * Math.PI * f * i / 16000) + 300 * rand() : 6000 * rand()), 44 + 2 * i);
      writeFileSync(join(clips, `${label}.${k}.wav`), buf);
    }
  execFileSync(mote, ['-C', audio, 'import', clips, '--category', 'split'], { stdio: ['ignore', 'ignore', 'inherit'] });
  writeFileSync(join(work, 'audio-impulse.json'), JSON.stringify({ input: { type: 'time-series', window_ms: 1000, stride_ms: 250, frequency_hz: 16000 },
    dsp: [{ name: 'mfe', type: 'mfe', params: {} }], learn: [{ name: 'classifier', type: 'classifier', dsp: ['mfe'], params: { epochs: 20 } }] }));
  execFileSync(mote, ['-C', audio, 'impulse', 'set', join(work, 'audio-impulse.json')], { stdio: ['ignore', 'ignore', 'inherit'] });
  execFileSync(mote, ['-C', audio, 'train'], { stdio: ['ignore', 'ignore', 'inherit'] });
}

const freePort = () => new Promise((ok) => { const s = net.createServer(); s.listen(0, '127.0.0.1', () => { const p = s.address().port; s.close(() => ok(p)); }); });
const servers = [];
let browser, micBrowser;
async function serve(dir) {
  const port = await freePort();
  const server = spawn(mote, ['-C', dir, 'serve', '--port', String(port), '--workers', '2'], { stdio: ['ignore', 'pipe', 'inherit'] });
  servers.push(server);
  return new Promise((ok, fail) => {
    let out = '';
    server.stdout.on('data', (d) => { out += d; const m = /studio: (http:\S+\?token=\w+)/.exec(out); if (m) ok(m[1]); });
    server.on('exit', (c) => fail(new Error(`mote serve exited (${c}): ${out}`)));
    setTimeout(() => fail(new Error(`no studio link printed: ${out}`)), 20000);
  });
}
const cleanup = () => {
  for (const server of servers) { server.kill('SIGINT'); setTimeout(() => server.kill('SIGKILL'), 10000).unref(); }
  rmSync(work, { recursive: true, force: true });
};
const bytes = (b64) => new Uint8Array(Buffer.from(b64, 'base64'));
const u32 = (b64) => new Uint32Array(bytes(b64).buffer);

try {
  const [link, audioLink] = await Promise.all([serve(project), serve(audio)]);
  const base = link.replace(/\/\?token=.*/, '');
  const args = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update'];
  browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args });
  const problems = [];
  const requests = [];
  async function open(hash, viewport, on = browser, at = link) {
    const page = await on.newPage({ viewport });
    page.on('pageerror', (e) => problems.push(`${viewport.width}px ${hash}: ${e.message}`));
    page.on('console', (m) => { if (m.type() === 'error') problems.push(`${viewport.width}px ${hash}: console: ${m.text()}`); });
    page.on('response', (r) => { if (r.status() >= 400) problems.push(`${viewport.width}px: ${r.status()} from ${r.url().replace(/^http:\/\/[^/]+/, '')}`); });
    page.on('request', (r) => requests.push(r.url().replace(/^http:\/\/[^/]+/, '')));
    page.setDefaultTimeout(60000);
    await page.goto(at);
    await page.goto(`${at.replace(/\/\?token=.*/, '')}/${hash}`);
    return page;
  }
  const noOverflow = async (page, what) => {
    const [sw, w] = await page.evaluate(() => [document.documentElement.scrollWidth, window.innerWidth]);
    assert.ok(sw <= w + 1, `${what}: the page is ${sw} px wide in a ${w} px window`);
  };
  const wasmCard = (page) => page.locator('section.card:has(#wasm-status)');
  // Tab from the top of the page until `selector` has the focus: it is reachable by keyboard.
  async function reachable(page, selector, presses = 120) {
    await page.evaluate(() => { document.activeElement?.blur(); window.scrollTo(0, 0); });
    for (let i = 0; i < presses; ++i) {
      await page.keyboard.press('Tab');
      if (await page.evaluate((s) => document.activeElement?.matches(s) ?? false, selector)) return;
    }
    assert.fail(`${selector}: not reached in ${presses} Tab presses`);
  }

  for (const viewport of [{ width: 1280, height: 800 }, { width: 390, height: 844 }]) {
    const tag = viewport.width < 600 ? '-phone' : '';
    const page = await open('#/classify', viewport);
    if (!tag) {
      // 1. Not built yet: the page builds it (the deploy job runs emcc) and loads it.
      phase('build for the browser from the page');
      await page.waitForSelector('#wasm-build');
      assert.match(await page.textContent('#wasm-status'), /Not built for the browser yet/);
      await page.click('#wasm-build');
    }
    await page.waitForSelector('#wasm-loaded', { timeout: 120000 });
    const status = await (await page.request.get(`${base}/api/deploy/wasm`)).json();
    assert.equal(status.built, true);
    assert.equal(status.current, true, 'the package is of the current impulse');
    assert.equal(await page.getAttribute('#wasm-status', 'data-loaded'), status.impulse_hash);

    // 2. Every testing window through the wasm in Chromium, compared here with the host's results.
    phase(`${viewport.width}x${viewport.height}: check against the host`);
    const before = requests.length;
    await page.click('#wasm-check-run');
    await page.waitForSelector('#wasm-check-result');
    const testing = JSON.parse(readFileSync(join(project, 'out', 'deploy', 'wasm', 'testing.json')));
    const got = await page.evaluate(() => {
      const c = window.moteWasmCheck;
      return { features: Array.from(new Uint32Array(c.features.buffer)), outputs: Array.from(c.outputs),
        anomaly: Array.from(new Uint32Array(c.anomaly.buffer)), ms: c.ms };
    });
    const hostFeatures = u32(testing.host.features_f32), hostAnomaly = u32(testing.host.anomaly_f32);
    assert.equal(testing.count, 624, 'every testing window of the demo');
    assert.equal(got.features.length, hostFeatures.length);
    for (let i = 0; i < hostFeatures.length; ++i) if (got.features[i] !== hostFeatures[i]) assert.fail(`feature ${i} (window ${Math.floor(i / testing.features)}) differs`);
    assert.deepEqual(got.outputs, testing.host.output, 'int8 outputs equal to the host’s');
    assert.deepEqual(got.anomaly, Array.from(hostAnomaly), 'anomaly scores equal to the host’s, bit for bit');
    assert.equal(await page.getAttribute('#wasm-check-result', 'data-equal'), '624');
    assert.match(await page.textContent('#wasm-check-result'), /624 of 624 testing windows equal to the host’s bit for bit/);
    assert.deepEqual(requests.slice(before).filter((u) => u.startsWith('/api/')).map((u) => u.split('?')[0]), ['/api/deploy/wasm/files/testing.json'],
      'the check asks the server for the package’s testing windows only');
    console.log(`  ${testing.count} windows, ${hostFeatures.length} features bit-identical in Chromium, ${got.ms.toFixed(1)} ms (${(1000 * got.ms / testing.count).toFixed(1)} µs per window)`);

    // 3. A wave testing sample classified in the browser: the server gives its windows, nothing per window.
    phase(`${viewport.width}x${viewport.height}: a sample in the browser`);
    const wave = JSON.parse(cli('samples', '--json')).samples.find((s) => s.label === 'wave' && s.category === 'testing');
    await page.selectOption('#wasm-sample', String(wave.id));
    await page.waitForSelector('#wasm-sample-summary');
    const mark = requests.length;
    await page.click('#wasm-sample-run');
    await page.waitForFunction(() => document.querySelector('#wasm-sample-summary')?.dataset.label !== undefined && !document.querySelector('#wasm-sample-result p.muted'));
    await page.waitForSelector('#wasm-sample-result canvas');
    assert.equal(await page.getAttribute('#wasm-sample-summary', 'data-label'), 'wave');
    const windows = await (await page.request.get(`${base}/api/samples/${wave.id}/windows`)).json();
    assert.equal(await page.getAttribute('#wasm-sample-summary', 'data-windows'), String(windows.count));
    assert.deepEqual(requests.slice(mark).filter((u) => u.startsWith('/api/')).map((u) => u.split('?')[0]), [`/api/samples/${wave.id}/windows`],
      'one request for the sample’s windows, none per window');
    const server = await (await page.request.get(`${base}/api/samples/${wave.id}/classify`)).json();
    assert.equal(server.summary.classifier.label, 'wave', 'the server’s float model agrees');
    assert.ok(!(await page.$('#mic-start')), 'no microphone for an accelerometer project');
    for (const control of ['#wasm-build', '#wasm-check-run', '#wasm-sample', '#wasm-sample-run']) await reachable(page, control);
    await page.waitForLoadState('networkidle');
    await noOverflow(page, `${viewport.width}px classify`);
    await wasmCard(page).screenshot({ path: join(outDir, `b1-live-wasm${tag}.png`) });
    if (!tag) {
      // The Deployment page builds the same package (from the cache) and links to running it here.
      await page.goto(`${base}/#/deploy`);
      await page.check('input[name="deploy-format"][value="wasm"]');
      await page.click('#start-deploy');
      await page.click('#deploy-wasm-live');
      await page.waitForSelector('#wasm-loaded');
      assert.equal(await page.getAttribute('#wasm-status', 'data-loaded'), status.impulse_hash);
    }
    await page.close();
  }

  // 4. The audio project, in a browser whose microphone is Chromium's fake capture device (a beeping tone).
  phase('audio: build, check against the host, the microphone');
  micBrowser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: [...args, '--use-fake-ui-for-media-stream', '--use-fake-device-for-media-stream'] });
  const ap = await open('#/classify', { width: 1280, height: 800 }, micBrowser, audioLink);
  await ap.click('#wasm-build');
  await ap.waitForSelector('#wasm-loaded', { timeout: 120000 });
  assert.match(await ap.textContent('#wasm-loaded'), /16000 frames × 1 axes at 16000 Hz → 3 labels/);
  await ap.click('#wasm-check-run');
  await ap.waitForSelector('#wasm-check-result');
  const audioWindows = Number(await ap.getAttribute('#wasm-check-result', 'data-windows'));
  assert.ok(audioWindows >= 6, `${audioWindows} audio testing windows`);
  assert.equal(await ap.getAttribute('#wasm-check-result', 'data-equal'), String(audioWindows), 'MFE + classifier bit-identical to the host');
  console.log(`  audio: ${audioWindows} testing windows bit-identical (${(await ap.textContent('#wasm-check-result')).replace(/.*\) in /, '')})`);
  await ap.click('#mic-start');
  await ap.waitForFunction(() => Number(document.querySelector('#mic-now')?.dataset.results ?? 0) >= 4, null, { timeout: 30000 });
  assert.match(await ap.textContent('#mic-status'), /listening at 16000 Hz: a 1000 ms window every 250 ms/);
  assert.match(await ap.textContent('#mic-now .live-label'), /^(low|high|noise)$/);
  await ap.waitForSelector('#mic-chart canvas');
  await reachable(ap, '#mic-start');
  await wasmCard(ap).screenshot({ path: join(outDir, 'b2-live-mic.png') });
  await ap.click('#mic-start');
  assert.match(await ap.textContent('#mic-status'), /stopped after \d+ windows/);
  await ap.close();
  assert.deepEqual(problems, [], 'no script or console errors');
  phase('done');
} catch (e) {
  console.error(e);
  process.exitCode = 1;
} finally {
  await browser?.close();
  await micBrowser?.close();
  cleanup();
}
