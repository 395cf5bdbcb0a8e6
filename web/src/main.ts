// The studio shell: sidebar navigation and a hash router over the pages.
import './style.css';
import { get } from './api';
import { h, clear } from './ui';
import { dashboardPage } from './pages/dashboard';
import { dataPage } from './pages/data';
import { impulsePage } from './pages/impulse';
import { featuresPage } from './pages/features';
import { trainingPage } from './pages/training';
import { testingPage } from './pages/testing';
import { classifyPage } from './pages/classify';
import { deployPage } from './pages/deploy';
import { anomalyPage } from './pages/anomaly';
import { tunePage } from './pages/tune';
import { versionsPage } from './pages/versions';

export type Page = (root: HTMLElement, params: URLSearchParams) => Promise<void | (() => void)>;

const PAGES: { path: string; title: string; page: Page }[] = [
  { path: 'dashboard', title: 'Dashboard', page: dashboardPage },
  { path: 'data', title: 'Data acquisition', page: dataPage },
  { path: 'impulse', title: 'Impulse design', page: impulsePage },
  { path: 'features', title: 'Features', page: featuresPage },
  { path: 'training', title: 'Training', page: trainingPage },
  { path: 'tune', title: 'Tuner', page: tunePage },
  { path: 'anomaly', title: 'Anomaly', page: anomalyPage },
  { path: 'testing', title: 'Model testing', page: testingPage },
  { path: 'classify', title: 'Live classification', page: classifyPage },
  { path: 'deploy', title: 'Deployment', page: deployPage },
  { path: 'versions', title: 'Versions', page: versionsPage },
];

const nav = h('nav', {}, PAGES.map((p) => h('a', { href: `#/${p.path}`, 'data-page': p.path }, p.title)));
const projectName = h('div', { class: 'project' }, '');
const content = h('main', {});
clear(document.getElementById('app')!, h('aside', {}, h('div', { class: 'aside-inner' }, h('div', { class: 'logo' }, 'mote', h('span', {}, ' studio')), projectName, nav)), content);

let cleanup: void | (() => void);
let generation = 0;

async function route() {
  const [path, query] = location.hash.replace(/^#\/?/, '').split('?');
  const entry = PAGES.find((p) => p.path === path) ?? PAGES[0];
  for (const a of nav.querySelectorAll('a')) a.classList.toggle('active', a.dataset.page === entry.path);
  if (cleanup) cleanup();
  document.getElementById('toasts')?.replaceChildren();
  cleanup = undefined;
  const mine = ++generation;
  const root = h('div', { class: 'page', 'data-page': entry.path });
  clear(content, h('h1', {}, entry.title), root);
  document.title = `${entry.title} · mote studio`;
  try {
    const c = await entry.page(root, new URLSearchParams(query ?? ''));
    if (mine === generation) cleanup = c; else if (c) c();
  } catch (e) {
    root.append(h('div', { class: 'error-box' }, (e as Error).message));
  }
}

window.addEventListener('hashchange', route);
get('/api/project').then((p) => { projectName.textContent = p.name || 'project'; }).catch(() => {});
route();
