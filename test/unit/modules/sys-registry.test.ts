import { describe, expect, it } from 'vitest';
import { registry } from '../../../src/modules/index';

const mine = ['command', 'shell', 'apt', 'package', 'service', 'systemd', 'get_url', 'uri', 'wait_for'];

describe('system modules in the registry', () => {
  it.each(mine)('%s is registered and documents every argument', (name) => {
    const m = registry.get(name);
    expect(m?.name).toBe(name);
    expect(m?.summary.length).toBeGreaterThan(10);
    for (const [arg, def] of Object.entries(m!.args)) expect(def.description, `${name}.${arg}`).toMatch(/\w{3,}/);
  });

  it('marks passwords as secrets', () => {
    for (const name of ['get_url', 'uri']) expect(registry.get(name)!.args.url_password.noLog).toBe(true);
  });
});
