import { join } from 'node:path';
import { PACKAGE_ROOT } from '../core/paths';

/** The repository the benchmark runs from. */
export const REPO_ROOT = PACKAGE_ROOT;
/** The tsrun playbook (Handlebars templates) and the Ansible one (Jinja templates), doing the same work. */
export const PLAYBOOKS = { tsrun: join(REPO_ROOT, 'bench/tsrun/site.yml'), ansible: join(REPO_ROOT, 'bench/ansible/site.yml') };
/** Where `npm run bench` commits its latest results. */
export const DEFAULT_OUT = join(REPO_ROOT, 'bench-results');
