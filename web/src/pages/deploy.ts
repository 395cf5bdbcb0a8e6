// Deployment: a placeholder until the deploy/profile job kinds land in `mote serve`.
import { get } from '../api';
import { h, card } from '../ui';

export async function deployPage(root: HTMLElement) {
  const kinds: string[] = (await get('/api/project')).job_kinds ?? [];
  const ready = kinds.includes('deploy');
  root.append(card('Deployment',
    h('p', {}, ready
      ? 'The server offers a deploy job; this page does not drive it yet.'
      : 'Deploy and profile jobs are being added to the server; this page will build the C++ library, Arduino package and firmware from here.'),
    h('p', {}, 'Today, from a terminal: ', h('code', {}, 'mote deploy'), ' (see docs/deploy.md).'),
    h('p', { class: 'muted' }, `job kinds this server runs: ${kinds.join(', ')}`)));
}
