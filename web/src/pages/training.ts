// Training: neural parameters, start a train job with its live log and loss/accuracy chart, import a model
// trained elsewhere (.tflite/.onnx), the models' results.
import { get, put, post, startJob, followJob, Job, ApiError } from '../api';
import { lineChart } from '../charts';
import { h, clear, card, JobLog, attempt, pct, fixed, badge, newestOnly } from '../ui';
import { confusionMatrix, classTable, trainingCurves, anomalyScores } from '../results';

const EPOCH_LINE = /epoch (\d+)\/(\d+)\s+loss (\S+)\s+acc (\S+)\s+val_loss (\S+)\s+val_acc (\S+)/;

export async function trainingPage(root: HTMLElement) {
  const log = new JobLog();
  const live = h('div', { id: 'live-chart' });
  const params = h('div', { id: 'train-params' });
  const paramErrors = h('div', {});
  const models = h('div', { id: 'models' });
  const evaluation = h('div', { id: 'evaluation' });
  let stops: (() => void)[] = [];
  let curve: { epoch: number; loss: number; acc: number; val_loss: number | null; val_acc: number | null }[] = [];

  const trainBtn = h('button', { class: 'primary', id: 'start-training', onclick: async () => {
    if (!(await saveParams())) return;
    const id = await attempt(() => startJob('train'));
    if (id !== undefined) follow(id, 'train');
  } }, 'Start training');
  const testBtn = h('button', { id: 'run-test', onclick: async () => {
    const id = await attempt(() => startJob('test'));
    if (id !== undefined) follow(id, 'test');
  } }, 'Evaluate on testing set');

  function drawLive() {
    const x = curve.map((c) => c.epoch);
    clear(live, curve.length ? h('div', { class: 'two' },
      lineChart([{ name: 'loss', color: '#2563eb', x, y: curve.map((c) => c.loss) }, { name: 'validation loss', color: '#2563eb', x, y: curve.map((c) => c.val_loss), dashed: true }], { width: 420, height: 200, xlabel: 'epoch' }),
      lineChart([{ name: 'accuracy', color: '#16a34a', x, y: curve.map((c) => c.acc) }, { name: 'validation accuracy', color: '#16a34a', x, y: curve.map((c) => c.val_acc), dashed: true }], { width: 420, height: 200, xlabel: 'epoch', ymin: 0, ymax: 1 })) : null);
  }

  function follow(id: number, kind: string) {
    trainBtn.disabled = testBtn.disabled = true;
    log.reset(`${kind} job ${id} running`);
    if (kind === 'train') { curve = []; drawLive(); }
    let pending = false;
    stops.push(followJob(id, {
      onLog: (l) => {
        log.line(l);
        const m = EPOCH_LINE.exec(l);
        if (m) {
          if (m[1] === '1') curve = [];  // the next neural block starts its own curve
          const num = (s: string) => (s === '-' ? null : Number(s));
          curve.push({ epoch: Number(m[1]), loss: Number(m[3]), acc: Number(m[4]), val_loss: num(m[5]), val_acc: num(m[6]) });
          if (!pending) { pending = true; requestAnimationFrame(() => { pending = false; drawLive(); }); }
        }
      },
      onProgress: (p) => log.setProgress(p),
      onState: (j: Job) => {
        log.done(j.state, j.error);
        trainBtn.disabled = testBtn.disabled = false;
        if (j.state === 'done') { loadModels(); loadEvaluation(); }
      },
    }));
  }

  // The neural blocks' main parameters, saved into the impulse before training.
  let impulse: any = null;
  async function loadParams() {
    try {
      impulse = (await get('/api/impulse')).impulse;
    } catch (e) {
      clear(params, h('div', { class: 'error-box' }, (e as Error).message));
      return;
    }
    const neural = (impulse.learn ?? []).filter((b: any) => b.type === 'classifier' || b.type === 'regression');
    clear(params, neural.length ? neural.map((b: any) => h('div', { class: 'fields' }, h('b', {}, b.name),
      ['epochs', 'learning_rate', 'batch_size', 'validation', 'patience'].map((k) => h('label', {}, k.replace('_', ' '),
        h('input', { type: 'number', step: 'any', value: b.params?.[k] ?? '', placeholder: 'default', 'data-block': b.name, 'data-param': k,
          oninput: (e: Event) => { const v = (e.target as HTMLInputElement).value; b.params ??= {}; if (v === '') delete b.params[k]; else b.params[k] = Number(v); } })))))
      : h('p', { class: 'muted' }, 'No neural learning block; anomaly blocks train without epochs.'));
  }
  async function saveParams(): Promise<boolean> {
    if (!impulse) return true;
    try {
      await put('/api/impulse', impulse);
      clear(paramErrors);
      return true;
    } catch (e) {
      clear(paramErrors, h('div', { class: 'error-box' }, (e as ApiError).message));
      return false;
    }
  }

  // A page's first loads and those after a job may overlap: only the newest of each draws.
  const modelsLoad = newestOnly(), evaluationLoad = newestOnly();
  async function loadModels() {
    const fresh = modelsLoad();
    const r = await get<{ models: any[] }>('/api/models');
    if (!fresh()) return;
    if (!r.models.length) { clear(models, h('p', { class: 'muted' }, 'Nothing trained yet.')); return; }
    clear(models, r.models.map((m) => {
      const mt = m.metrics;
      const head = h('div', { class: 'model-head' }, h('b', {}, m.block), h('span', { class: 'muted' }, ` ${m.type} · ${mt.imported ? 'imported' : 'trained'} ${m.created_at.replace('T', ' ').replace('Z', '')} `),
        m.current ? badge('current', 'done') : badge(mt.imported ? 'impulse changed: import again' : 'impulse changed: retrain', 'failed'));
      if (mt.imported) {
        const im = mt.imported;
        return h('div', { class: 'model' }, head,
          h('p', {}, `imported from ${im.file} (${im.format}, ${im.dtype}${im.dtype === 'float32' ? ', quantized on ' + (typeof im.calibration === 'string' ? 'the ' + im.calibration : im.calibration.inputs + ' calibration inputs') : ''}); outputs ${(mt.labels ?? []).join(', ')}`));
      }
      if (mt.curve) {
        const reg = m.type === 'regression';
        return h('div', { class: 'model' }, head,
          h('p', {}, `kept epoch ${mt.best_epoch} of ${mt.epochs_run}${mt.stopped_early ? ' (stopped early)' : ''}; ` +
            (reg ? `validation RMSE ${fixed(mt.val_rmse, 4)}` : `validation accuracy ${pct(mt.val_accuracy)}, training accuracy ${pct(mt.accuracy)}`) +
            `; ${mt.train_windows} training / ${mt.validation_windows} validation windows`),
          trainingCurves(mt.curve, reg));
      }
      return h('div', { class: 'model' }, head, h('p', {}, `threshold ${fixed(mt.threshold, 3)} over ${mt.train_windows} training windows; ${mt.features} features`));
    }));
  }

  async function loadEvaluation() {
    const fresh = evaluationLoad();
    let t: any;
    try {
      t = await get('/api/test');
      if (!fresh()) return;
    } catch (e) {
      if (!fresh()) return;
      if ((e as ApiError).status === 404) { clear(evaluation, h('p', { class: 'muted' }, 'Not evaluated yet: press “Evaluate on testing set”.')); return; }
      throw e;
    }
    clear(evaluation, h('p', { class: 'muted' }, `test job ${t.job}, ${t.finished_at.replace('T', ' ').replace('Z', '')}: ${t.testing_samples} testing samples`),
      t.blocks.map((b: any) => {
        if (b.type === 'classifier')
          return h('div', { class: 'model' }, h('h3', {}, `${b.block}: ${pct(b.accuracy)} of ${b.samples} samples`),
            h('p', { class: 'muted' }, `window accuracy ${pct(b.window_accuracy)}; ${b.uncertain} uncertain (mean confidence below ${b.min_confidence})` +
              (b.unknown_label_samples ? `; ${b.unknown_label_samples} samples with labels the classifier never saw are left out` : '')),
            h('div', { class: 'two' }, confusionMatrix(b.confusion), classTable(b.classes)));
        if (b.type === 'regression')
          return h('div', { class: 'model' }, h('h3', {}, `${b.block}: RMSE ${fixed(b.rmse, 4)}`), h('p', {}, `MAE ${fixed(b.mae, 4)}`));
        return h('div', { class: 'model' }, h('h3', {}, `${b.block}: ROC AUC ${fixed(b.roc_auc, 3)}`),
          h('p', { class: 'muted' }, `detection rate ${pct(b.detection_rate)} of ${b.anomalous_samples} anomalous samples; false positives ${pct(b.false_positive_rate)} of ${b.normal_samples} normal ones`),
          anomalyScores(b));
      }));
  }

  // A model trained elsewhere replaces a neural block's (POST /api/models/import, as `mote model import`).
  const importFile = h('input', { type: 'file', id: 'import-model-file', accept: '.tflite,.onnx' }) as HTMLInputElement;
  const importLabels = h('input', { id: 'import-model-labels', placeholder: 'labels in output order (default: training labels, sorted)' }) as HTMLInputElement;
  const importResult = h('div', { id: 'import-model-result' });
  const importBtn = h('button', { id: 'import-model', onclick: async () => {
    const f = importFile.files?.[0];
    if (!f) { clear(importResult, h('div', { class: 'error-box' }, 'Choose a .tflite or .onnx file first.')); return; }
    const form = new FormData();
    form.append('model', f, f.name);
    if (importLabels.value.trim()) form.append('labels', importLabels.value.trim());
    try {
      const r = await post('/api/models/import', form);
      const m = r.metrics.imported;
      clear(importResult, h('p', {}, `Imported ${m.file} (${m.format} ${m.dtype}) as block ${r.block}: outputs ${r.metrics.labels.join(', ')}. Evaluate it on the testing set, or deploy it.`));
      await Promise.all([loadParams(), loadModels()]);
    } catch (e) {
      clear(importResult, h('div', { class: 'error-box' }, (e as Error).message));
    }
  } }, 'Import model');

  root.append(
    card('Train', params, paramErrors, h('div', { class: 'row' }, trainBtn, testBtn), log.el, live),
    card('Import a model trained elsewhere', h('p', { class: 'muted' }, 'An int8 or float32 .tflite, or a float32 .onnx, whose input is the impulse\'s features: it replaces the neural block, and training keeps it.'),
      h('div', { class: 'row' }, importFile, importLabels, importBtn), importResult),
    card('Models', models),
    card('Evaluation on the testing set', evaluation));
  await Promise.all([loadParams(), loadModels(), loadEvaluation()]);
  const last = (await get<{ jobs: Job[] }>('/api/jobs?limit=5')).jobs.find((j) => (j.kind === 'train' || j.kind === 'test') && (j.state === 'running' || j.state === 'queued'));
  if (last) follow(last.id, last.kind);
  return () => stops.forEach((s) => s());
}
