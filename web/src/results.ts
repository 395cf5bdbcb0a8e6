// Views of learning results shared by the Training and Model testing pages.
import { lineChart } from './charts';
import { h, fixed, pct, labelColor } from './ui';

// Confusion matrix: rows true labels, columns predictions (+ uncertain); cells shaded by row share.
export function confusionMatrix(c: { rows: string[]; cols: string[]; matrix: number[] }): HTMLElement {
  const n = c.cols.length;
  return h('table', { class: 'confusion', id: 'confusion-matrix' },
    h('thead', {}, h('tr', {}, h('th', { class: 'corner' }, 'true \\ predicted'), c.cols.map((col) => h('th', {}, col)))),
    h('tbody', {}, c.rows.map((row, i) => {
      const cells = c.matrix.slice(i * n, i * n + n);
      const total = cells.reduce((a, b) => a + b, 0) || 1;
      return h('tr', {}, h('th', {}, row), cells.map((v, j) => {
        const share = v / total;
        const good = c.cols[j] === row;
        const bg = v === 0 ? 'transparent' : good ? `rgba(22,163,74,${0.15 + 0.6 * share})` : `rgba(220,38,38,${0.15 + 0.6 * share})`;
        return h('td', { class: 'num', style: { background: bg }, title: `${row} → ${c.cols[j]}: ${v} (${pct(share)})` }, v);
      }));
    })));
}

export function classTable(classes: { label: string; precision: number; recall: number; f1: number; support: number }[]): HTMLElement {
  return h('table', { class: 'grid compact', id: 'f1-table' },
    h('thead', {}, h('tr', {}, h('th', {}, 'label'), h('th', { class: 'num' }, 'precision'), h('th', { class: 'num' }, 'recall'), h('th', { class: 'num' }, 'F1'), h('th', { class: 'num' }, 'samples'))),
    h('tbody', {}, classes.map((c) => h('tr', {}, h('td', {}, c.label), h('td', { class: 'num' }, fixed(c.precision, 3)), h('td', { class: 'num' }, fixed(c.recall, 3)),
      h('td', { class: 'num' }, fixed(c.f1, 3)), h('td', { class: 'num' }, c.support)))));
}

// Training curves from a model's metrics.curve (loss and accuracy, training and validation).
export function trainingCurves(curve: any[], regression: boolean): HTMLElement {
  const x = curve.map((e) => e.epoch);
  const acc = regression ? 'rmse' : 'accuracy';
  return h('div', { class: 'two' },
    lineChart([
      { name: 'training loss', color: '#2563eb', x, y: curve.map((e) => e.loss) },
      { name: 'validation loss', color: '#2563eb', x, y: curve.map((e) => e.val_loss), dashed: true },
    ], { width: 420, height: 220, xlabel: 'epoch' }),
    lineChart([
      { name: `training ${acc}`, color: '#16a34a', x, y: curve.map((e) => e[acc]) },
      { name: `validation ${acc}`, color: '#16a34a', x, y: curve.map((e) => e[`val_${acc}`]), dashed: true },
    ], { width: 420, height: 220, xlabel: 'epoch', ...(regression ? {} : { ymin: 0, ymax: 1 }) }));
}

// Anomaly score distributions (min, p50, p90, p99, max) of training windows and testing samples, with the threshold.
export function anomalyScores(block: any): HTMLElement {
  const groups: [string, string, any][] = [
    ['training windows', '#64748b', block.scores?.training_windows],
    ['normal testing samples', '#16a34a', block.scores?.normal_samples],
    ['anomalous testing samples', '#dc2626', block.scores?.anomalous_samples],
  ];
  const present = groups.filter((g) => g[2] && g[2].count);
  const hi = Math.max(block.threshold ?? 0, ...present.map((g) => g[2].max)) * 1.05 || 1;
  const lo = Math.min(0, ...present.map((g) => g[2].min));
  const X = (v: number) => `${(100 * (v - lo)) / (hi - lo)}%`;
  return h('div', { class: 'scores', id: 'anomaly-scores' },
    present.map(([name, color, s]) => h('div', { class: 'score-row' },
      h('span', { class: 'bar-label' }, `${name} (${s.count})`),
      h('span', { class: 'score-track' },
        h('span', { class: 'whisker', style: { left: X(s.min), width: `calc(${X(s.max)} - ${X(s.min)})`, background: color } }),
        h('span', { class: 'box', style: { left: X(s.p50), width: `calc(${X(s.p90)} - ${X(s.p50)})`, background: color } }),
        block.threshold !== undefined ? h('span', { class: 'threshold', style: { left: X(block.threshold) } }) : null),
      h('span', { class: 'bar-num' }, `median ${fixed(s.p50, 2)}, max ${fixed(s.max, 2)}`))),
    h('p', { class: 'muted' }, `Thin line: min to max; box: median to 90th percentile; black line: threshold ${fixed(block.threshold, 3)}.`));
}

export { labelColor };
