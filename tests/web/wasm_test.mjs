// Browser test of the device code in the browser: on the Live classification page of a demo project, "Build for the
// browser" runs the wasm deploy job (emcc), the page imports the package's module, and "Check against the host" runs
// every testing window through the WebAssembly in Chromium; the test compares those numbers itself with the host's
// (testing.json: deploy::run_host) bit for bit: features, int8 outputs, anomaly scores. A wave testing sample is
// classified in the browser as wave, with the server asked only for its windows (no request per window). At
// 1280x800 and 390x844, no horizontal overflow, no console errors. Skipped (77) without emcc.
// Usage: node wasm_test.mjs MOTE_BIN OUT_DIR (run by tests/web/run).
import { spawn, execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, mkdirSync, rmSync } from 'node:fs';
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
const bytes = (b64) => new Uint8Array(Buffer.from(b64, 'base64'));
const u32 = (b64) => new Uint32Array(bytes(b64).buffer);

try {
  const link = await serve();
  const base = link.replace(/\/\?token=.*/, '');
  browser = await chromium.launch({ executablePath: '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update'] });
  const problems = [];
  const requests = [];
  async function open(hash, viewport) {
    const page = await browser.newPage({ viewport });
    page.on('pageerror', (e) => problems.push(`${viewport.width}px ${hash}: ${e.message}`));
    page.on('console', (m) => { if (m.type() === 'error') problems.push(`${viewport.width}px ${hash}: console: ${m.text()}`); });
    page.on('response', (r) => { if (r.status() >= 400) problems.push(`${viewport.width}px: ${r.status()} from ${r.url().replace(/^http:\/\/[^/]+/, '')}`); });
    page.on('request', (r) => requests.push(r.url().replace(/^http:\/\/[^/]+/, '')));
    page.setDefaultTimeout(60000);
    await page.goto(link);
    await page.goto(`${base}/${hash}`);
    return page;
  }
  const noOverflow = async (page, what) => {
    const [sw, w] = await page.evaluate(() => [document.documentElement.scrollWidth, window.innerWidth]);
    assert.ok(sw <= w + 1, `${what}: the page is ${sw} px wide in a ${w} px window`);
  };
  const wasmCard = (page) => page.locator('section.card:has(#wasm-status)');

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
    await page.waitForLoadState('networkidle');
    await noOverflow(page, `${viewport.width}px classify`);
    await wasmCard(page).screenshot({ path: join(outDir, `b1-live-wasm${tag}.png`) });
    await page.close();
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
