import { describe, expect, it } from 'vitest';
import { engine } from './engine';
import { labInventory, renderDeep, roleDefaults, ROLES, type Vars } from './harness';
import { roleTasks } from './task-walk';

/** What a registered result looks like to later tasks (command, stat and other modules' common keys). */
const RESULT = { changed: false, failed: false, rc: 0, stdout: '', stderr: '', stdout_lines: [], stderr_lines: [], stat: { exists: true } };

/** Per role: the host it runs on and the variables a playbook would give it. */
const SAMPLES: Record<string, { host: string; vars: Vars }> = {
  'proxy-env': { host: 'node1', vars: { proxy_env_http_proxy: 'http://10.99.0.1:3128', proxy_env_k3s: true } },
  docker: { host: 'node1', vars: { ansible_distribution_release: 'bookworm' } },
  'registry-mirror': {
    host: 'node1',
    vars: {
      registry_mirror_docker_mirrors: ['http://10.99.0.1:5000'],
      registry_mirror_docker_cas: [{ registry: 'registry.lab.test:5000', ca: '-----BEGIN CERTIFICATE-----\nMII=\n-----END CERTIFICATE-----\n' }],
    },
  },
  'nginx-lb': { host: 'lb1', vars: {} },
  'etcd-precheck': { host: 'node1', vars: {} },
  'node-precheck': { host: 'node1', vars: {} },
  'rke-config': { host: 'node1', vars: {} },
  'private-registry': { host: 'lb1', vars: { private_registry_users: [{ name: 'u', password: 'p' }] } },
  'k3s-datastore': { host: 'lb1', vars: { k3s_datastore_password: 'Fake-pass-123' } },
};

describe.each(ROLES)(`role %s renders every task on a sample host (${engine.name})`, (role) => {
  it('renders all arguments of every task and handler, set_fact results feeding later tasks', () => {
    const tasks = roleTasks(role);
    let vars: Vars = { ...roleDefaults(role), ...labInventory(SAMPLES[role].host), ...SAMPLES[role].vars };
    for (const { task } of tasks) if (typeof task.register === 'string') vars[task.register] = RESULT;
    let rendered = 0;
    for (const { task, module } of tasks) {
      const loop = typeof task.loop === 'string' ? renderDeep(task.loop, vars) : task.loop;
      // a loop over an empty list runs nothing, so nothing of the task is rendered
      if (Array.isArray(loop) && loop.length === 0) {
        rendered++;
        continue;
      }
      const item = Array.isArray(loop) ? renderDeep(loop[0], vars) : undefined;
      const scope = item === undefined ? vars : { ...vars, item };
      const args = renderDeep(task[module], scope);
      expect(args, String(task.name)).toBeDefined();
      if (module === 'set_fact') vars = { ...vars, ...(args as Vars) };
      rendered++;
    }
    expect(rendered).toBe(tasks.length);
  });
});
