// Dashboard: samples per label and category, the last jobs, the current models at a glance.
import { get, Job, LabelCounts } from '../api';
import { bars } from '../charts';
import { h, card, labelColor, labelName, seedLabelColors, badge, pct } from '../ui';

export async function dashboardPage(root: HTMLElement) {
  const [project, labels, jobs, models] = await Promise.all([
    get('/api/project'),
    get<LabelCounts>('/api/labels'),
    get<{ jobs: Job[] }>('/api/jobs?limit=8'),
    get<{ models: any[] }>('/api/models'),
  ]);
  seedLabelColors(labels.labels.map((l) => l.label));
  const stats = h('div', { class: 'stats' },
    stat('samples', project.samples, 'stat-samples'),
    stat('training', labels.training, 'stat-training'),
    stat('testing', labels.testing, 'stat-testing'),
    stat('test split', pct(labels.test_fraction), 'stat-split'),
    stat('labels', labels.labels.length, 'stat-labels'));
  const table = h('table', { class: 'grid', id: 'label-table' },
    h('thead', {}, h('tr', {}, h('th', {}, 'label'), h('th', { class: 'num' }, 'training'), h('th', { class: 'num' }, 'testing'), h('th', { class: 'num' }, 'total'))),
    h('tbody', {}, labels.labels.map((l) => h('tr', { 'data-label': l.label },
      h('td', {}, l.label ? h('a', { href: `#/data?label=${encodeURIComponent(l.label)}` }, l.label)
        : h('a', { href: '#/features', title: 'label them from the Features page' }, labelName(l.label))),
      h('td', { class: 'num' }, l.training), h('td', { class: 'num' }, l.testing), h('td', { class: 'num' }, l.training + l.testing)))));
  const chart = bars(labels.labels.map((l) => ({ label: labelName(l.label), value: l.training + l.testing, color: labelColor(l.label) })));
  const jobList = jobs.jobs.length
    ? h('table', { class: 'grid', id: 'job-table' },
        h('thead', {}, h('tr', {}, h('th', {}, '#'), h('th', {}, 'kind'), h('th', {}, 'state'), h('th', {}, 'finished'))),
        h('tbody', {}, jobs.jobs.map((j) => h('tr', {}, h('td', {}, j.id), h('td', {}, j.kind), h('td', {}, badge(j.state, j.state)), h('td', {}, j.finished_at || '–')))))
    : h('p', { class: 'muted' }, 'No jobs yet. Generate features on the Features page.');
  const modelList = models.models.length
    ? h('ul', { class: 'plain' }, models.models.map((m) => h('li', {}, h('b', {}, m.block), ` (${m.type}) `,
        m.metrics.val_accuracy !== undefined ? `validation accuracy ${pct(m.metrics.val_accuracy)} ` : '',
        m.current ? badge('current', 'done') : badge('impulse changed: retrain', 'failed'))))
    : h('p', { class: 'muted' }, 'No trained models yet.');
  root.append(stats, h('div', { class: 'cols' },
    card('Samples per label', chart, table),
    h('div', {}, card('Last jobs', jobList), card('Models', modelList))));
}

function stat(name: string, value: string | number, id: string) {
  return h('div', { class: 'stat', id }, h('div', { class: 'stat-value' }, value), h('div', { class: 'stat-name' }, name));
}
