import { describe, expect, it } from 'vitest';
import { HostRun } from '../../../src/executor/host';
import { taskVars, type PlayVars } from '../../../src/executor/vars';
import type { Play, RoleUse } from '../../../src/playbook/types';

// Each layer sets `v` and its own marker; the highest layer that sets `v` must win, in the documented order.
const LAYERS = ['role_defaults', 'inventory', 'facts', 'play_vars', 'role_vars', 'block_task_vars', 'set_fact', 'role_params', 'extra_vars'] as const;

function build(upTo: number): Record<string, unknown> {
  const on = (i: number) => (i <= upTo ? { v: LAYERS[i] } : {});
  const host = new HostRun('h1', { ...on(1) });
  host.facts = { ...on(2) };
  Object.assign(host.hostFacts, on(6));
  const use: RoleUse = { role: { name: 'r', path: '/r', defaults: { ...on(0) }, vars: { ...on(4) }, handlers: [] }, params: { ...on(7) } };
  const pv: PlayVars = { play: {} as Play, playVars: { ...on(3) }, hostPlayVars: new Map(), roleDefaults: {}, extraVars: { ...on(8) }, magic: { groups: {} } };
  return taskVars(pv, host, use, { ...on(5) });
}

describe('variable precedence', () => {
  it.each(LAYERS.map((l, i) => [l, i] as const))('%s beats every layer below it', (layer, i) => {
    expect(build(i).v).toBe(layer);
  });

  it('exposes magic variables', () => {
    const vars = build(0);
    expect(vars.inventory_hostname).toBe('h1');
    expect(vars.role_name).toBe('r');
    expect(vars.groups).toEqual({});
  });
});
