import { describe, expect, it } from 'vitest';
import { engine } from './engine';
import { applySetFact, labInventory, roleDefaults, ROLES, roleTask, type Vars } from './harness';
import { EXPRESSION_KEYS, roleTasks } from './task-walk';

// Conditions are evaluated by the runner's own evaluator; a checkout without it (src/expr) skips these.
const evaluate = engine.evaluate;
const parse = engine.parse;

/** The assert's conditions on the given variables, each true or false. */
function holds(task: Record<string, unknown>, vars: Vars): boolean[] {
  const that = (task.assert as { that: string[] }).that;
  return that.map((e) => Boolean(evaluate?.(e, vars)));
}

describe.skipIf(!parse)('role conditions (runner evaluator)', () => {
  it.each(ROLES)('%s: every when, until, changed_when, failed_when and assert condition parses', (role) => {
    for (const { task } of roleTasks(role)) {
      const that = (task.assert as { that?: string[] } | undefined)?.that ?? [];
      for (const e of [...EXPRESSION_KEYS.flatMap((k) => [task[k]].flat()), ...that]) {
        if (typeof e === 'string') expect(() => parse?.(e), `${String(task.name)}: ${e}`).not.toThrow();
      }
    }
  });

  it('proxy-env refuses a missing proxy URL only when state is present', () => {
    const task = roleTask('proxy-env', 'main.yml', 'check the arguments');
    const base = roleDefaults('proxy-env');
    expect(holds(task, base)).toEqual([false]);
    expect(holds(task, { ...base, proxy_env_state: 'absent' })).toEqual([true]);
    expect(holds(task, { ...base, proxy_env_http_proxy: 'http://10.99.0.1:3128' })).toEqual([true]);
  });

  it('nginx-lb refuses a balancer that is one of the nodes', () => {
    const at = (host: string) => {
      let vars: Vars = { ...roleDefaults('nginx-lb'), ...labInventory(host) };
      expect(holds(roleTask('nginx-lb', 'main.yml', 'check that the backend group exists'), vars)).toEqual([true]);
      vars = applySetFact(roleTask('nginx-lb', 'main.yml', 'list the backends'), vars);
      vars = applySetFact(roleTask('nginx-lb', 'main.yml', 'backends as a list'), vars);
      return holds(roleTask('nginx-lb', 'main.yml', 'refuse a balancer that is also a Rancher node'), vars);
    };
    expect(at('lb1')).toEqual([true, true, true]);
    expect(at('node2')).toEqual([true, false, false]);
  });

  it.each([[1, false], [2, true], [3, false], [4, true], [5, false]])('etcd-precheck: %i nodes refused: %s', (n, refused) => {
    const nodes = Array.from({ length: n }, (_, i) => `n${i}`);
    const vars = applySetFact(roleTask('etcd-precheck', 'report.yml', 'count the etcd nodes'),
      { ...roleDefaults('etcd-precheck'), groups: { nodes } });
    expect(vars._etcd_precheck_count).toBe(n);
    const when = String(roleTask('etcd-precheck', 'report.yml', 'refuse a node count that cannot keep a majority').when);
    expect(evaluate?.(when, vars)).toBe(refused);
  });

  it('registry-mirror refuses malformed entries', () => {
    const task = roleTask('registry-mirror', 'main.yml', 'check the arguments');
    expect(holds(task, { _registry_mirror_bad: '' })).toEqual([true]);
    expect(holds(task, { _registry_mirror_bad: " mirror 'x'" })).toEqual([false]);
  });
});
