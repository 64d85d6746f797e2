import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { TsrunError } from '../../../src/core/errors';
import { MASK, Secrets } from '../../../src/core/secrets';
import { runPlaybook } from '../../../src/executor/playbook';
import { validateArgs } from '../../../src/modules/args';
import type { ArgSpec } from '../../../src/modules/types';
import { JsonReporter } from '../../../src/output/json';
import { MaskingReporter } from '../../../src/output/masked';
import { PlainReporter } from '../../../src/output/plain';

const dir = mkdtempSync(join(tmpdir(), 'tsrun-nested-no-log-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const SPEC: ArgSpec = {
  configs: {
    type: 'list', elements: 'dict', description: 'configs',
    options: {
      registry: { type: 'str', required: true, description: 'registry' },
      auth: {
        type: 'dict', description: 'auth',
        options: { username: { type: 'str', description: 'u' }, pin: { type: 'int', noLog: true, description: 'a secret number' } },
      },
    },
  },
};

function specError(value: unknown): TsrunError {
  try {
    validateArgs(SPEC, { configs: value }, { module: 'role r', location: { file: 'spec.yml', line: 1, col: 1 } });
  } catch (err) {
    if (err instanceof TsrunError) return err;
    throw err;
  }
  throw new Error('no error');
}

describe('nested argument-spec options', () => {
  it('check each list item and nested mapping, naming the path of the option', () => {
    expect(validateArgs(SPEC, { configs: [{ registry: 'r:5000', auth: { username: 'u', pin: '42' } }] }, { module: 'm' })).toEqual({
      configs: [{ registry: 'r:5000', auth: { username: 'u', pin: 42 } }],
    });
    expect(specError([{ registry: 'r', auth: { usernme: 'u' } }]).message).toContain('unsupported argument "configs[0].auth.usernme" (did you mean "username"?)');
    expect(specError([{ registry: 'r' }, { auth: {} }]).message).toContain('missing required argument "configs[1].registry"');
  });

  it('never show a nested no_log value in an error, and keep the location', () => {
    const err = specError([{ registry: 'r', auth: { pin: 'pinSecret77' } }]);
    expect(err.message).toContain('argument "configs[0].auth.pin" must be an integer, got string (value hidden: no_log)');
    expect(err.message).not.toContain('pinSecret77');
    expect(err.location?.file).toBe('spec.yml');
  });
});

describe("a role's nested no_log option", () => {
  const password = 'nestedPw-4711!';
  const token = 'idTok-0815';
  const role = join(dir, 'roles/reg');
  mkdirSync(join(role, 'meta'), { recursive: true });
  mkdirSync(join(role, 'tasks'), { recursive: true });
  writeFileSync(join(role, 'meta/argument_specs.yml'), `argument_specs:
  main:
    options:
      reg_configs:
        type: list
        elements: dict
        description: configs
        options:
          registry: { type: str, required: true, description: registry }
          auth:
            type: dict
            description: credentials
            options:
              username: { type: str, description: user }
              password: { type: str, no_log: true, description: secret }
              identity_token: { type: str, no_log: true, description: secret }
`);
  writeFileSync(join(role, 'tasks/main.yml'), `
- name: print the configs
  debug: { var: reg_configs }
- name: write them, shown by --diff
  copy: { content: "{{ reg_configs | to_nice_json }}", dest: "${join(dir, 'out.json')}" }
- name: a failure quoting the password
  fail: { msg: "login failed with {{ reg_configs[0].auth.password }} for {{ reg_configs[0].auth.username }}" }
`);
  writeFileSync(join(dir, 'inventory.ini'), 'h ansible_connection=local\n');
  writeFileSync(join(dir, 'play.yml'), `- hosts: h
  gather_facts: false
  roles:
    - role: reg
      reg_configs:
        - { registry: "r:5000", auth: { username: visibleUser, password: "{{ '${password.slice(0, 4)}' }}${password.slice(4)}" } }
        - { registry: "s:5000", auth: { identity_token: "${token}" } }
`);

  it('is masked in plain -vvv output, --diff and --json, and reaches the host unmasked', async () => {
    const out: string[] = [];
    for (const json of [false, true]) {
      const secrets = new Secrets();
      const write = (t: string) => out.push(t);
      const inner = json ? new JsonReporter(write) : new PlainReporter(write, 3, false);
      // a new file each time, so that --diff shows the whole content
      rmSync(join(dir, 'out.json'), { force: true });
      await runPlaybook(join(dir, 'play.yml'), {
        inventory: [join(dir, 'inventory.ini')], check: false, diff: true, forks: 1, tags: [], skipTags: [], extraVars: {}, verbosity: 3,
        reporter: new MaskingReporter(inner, secrets), connection: {}, secrets,
      });
      expect(readFileSync(join(dir, 'out.json'), 'utf8')).toContain(password);
    }
    const text = out.join('');
    expect(text).toContain('visibleUser');
    expect(text).toContain('login failed with');
    expect(text).toContain(MASK);
    expect(text).not.toContain(password);
    expect(text).not.toContain(token);
  });
});
