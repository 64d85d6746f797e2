import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { homedir, tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { sshParamsFromVars, type SshParamOptions } from '../../../src/connection/params';
import { optionsFromArgs, parseProxyJump, splitWords } from '../../../src/connection/ssh-options';

const dir = mkdtempSync(join(tmpdir(), 'tsrun-params-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const config = join(dir, 'ssh_config');
writeFileSync(
  config,
  [
    'Host web',
    '  HostName 10.0.0.5',
    '  Port 2222',
    '  User deploy',
    '  IdentityFile ~/.ssh/web_key',
    '  ProxyJump gate',
    '  StrictHostKeyChecking accept-new',
    '  UserKnownHostsFile ~/.ssh/lab_hosts',
    'Host gate',
    '  HostName 10.0.0.1',
    '  User jumper',
    'Host *',
    '  User fallback',
    '',
  ].join('\n'),
);

writeFileSync(join(dir, 'empty'), '');

describe('ssh command-line options', () => {
  it('splits words with quotes like a shell', () => {
    expect(splitWords(`-o 'ProxyJump a b' -o"X=1 2" plain`)).toEqual(['-o', 'ProxyJump a b', '-oX=1 2', 'plain']);
  });

  const argCases: [string, Record<string, string | string[]>][] = [
    ['-o ProxyJump=bob@gate:2200', { proxyjump: 'bob@gate:2200' }],
    ['-oStrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null', { stricthostkeychecking: 'no', userknownhostsfile: '/dev/null' }],
    ["-o 'ProxyJump gate' -J other", { proxyjump: 'gate' }],
    ['-J gate -p 2200 -l bob -i /k1 -i /k2', { proxyjump: 'gate', port: '2200', user: 'bob', identityfile: ['/k1', '/k2'] }],
    ['-C -v', {}],
  ];
  for (const [args, expected] of argCases) {
    it(`reads ${args}`, () => expect(optionsFromArgs(args)).toEqual(expected));
  }

  const jumpCases: [string, object[]][] = [
    ['none', []],
    ['gate', [{ host: 'gate', user: undefined, port: undefined }]],
    ['bob@gate:2200,ssh://alice@[::1]:22', [{ host: 'gate', user: 'bob', port: 2200 }, { host: '::1', user: 'alice', port: 22 }]],
  ];
  for (const [value, hops] of jumpCases) {
    it(`parses ProxyJump ${value}`, () => expect(parseProxyJump(value)).toEqual(hops));
  }
});

describe('sshParamsFromVars', () => {
  const opts: SshParamOptions = { sshConfigFile: config };
  const cases: { name: string; host: string; vars: Record<string, unknown>; opts?: SshParamOptions; expected: object }[] = [
    {
      name: 'ssh_config gives address, port, user, key, checking and jump',
      host: 'web',
      vars: {},
      expected: {
        host: '10.0.0.5',
        port: 2222,
        user: 'deploy',
        identityFiles: [join(homedir(), '.ssh/web_key')],
        identityExplicit: true,
        hostKeyChecking: 'accept-new',
        knownHostsFiles: [join(homedir(), '.ssh/lab_hosts')],
        jump: { host: '10.0.0.1', port: 22, user: 'jumper', name: 'gate' },
      },
    },
    {
      name: 'Ansible variables override ssh_config',
      host: 'web',
      vars: { ansible_port: '2200', ansible_user: 'ops', ansible_ssh_private_key_file: '/k', tsrun_known_hosts: '/kh', ansible_host_key_checking: false },
      expected: { host: '10.0.0.5', port: 2200, user: 'ops', identityFiles: ['/k'], knownHostsFiles: ['/kh'], hostKeyChecking: 'accept-new' },
    },
    {
      name: 'ansible_host is looked up in ssh_config, as ssh does',
      host: 'inventory-name',
      vars: { ansible_host: 'web' },
      expected: { name: 'inventory-name', host: '10.0.0.5', user: 'deploy' },
    },
    {
      name: 'defaults for an unknown host',
      host: 'db',
      vars: {},
      opts: { sshConfigFile: join(dir, 'empty') },
      expected: { host: 'db', port: 22, user: userInfo().username, identityExplicit: false, hostKeyChecking: 'strict', jump: undefined, connectTimeoutMs: 30_000, keepaliveIntervalMs: 7_500, keepaliveCountMax: 3 },
    },
    {
      name: 'common args give the jump, checking and known hosts',
      host: 'db',
      vars: { ansible_ssh_common_args: '-o ProxyJump=bob@gate:2200 -o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null' },
      expected: { hostKeyChecking: 'accept-new', knownHostsFiles: ['/dev/null'], jump: { host: '10.0.0.1', port: 2200, user: 'bob' } },
    },
    {
      name: 'passwords from variables and the command line',
      host: 'db',
      vars: { ansible_ssh_pass: 'p1', ansible_become_pass: 'b1', ansible_ssh_private_key_passphrase: 'k1' },
      opts: { ...opts, askPass: 'ignored', becomePassword: 'ignored' },
      expected: { password: 'p1', becomePassword: 'b1', passphrase: 'k1' },
    },
    { name: '--ask-pass', host: 'db', vars: {}, opts: { ...opts, askPass: 'asked' }, expected: { password: 'asked' } },
    { name: 'the CLI choice of host key checking wins', host: 'web', vars: {}, opts: { ...opts, hostKeyChecking: 'strict' }, expected: { hostKeyChecking: 'strict' } },
    { name: 'timeout in seconds', host: 'db', vars: { ansible_timeout: 3 }, expected: { connectTimeoutMs: 3000 } },
    { name: 'a host variable beats --timeout, which beats the default', host: 'db', vars: { ansible_ssh_timeout: 8 }, opts: { timeout: 4 }, expected: { connectTimeoutMs: 8000, keepaliveIntervalMs: 2000 } },
    { name: '--timeout bounds connecting and keepalives', host: 'db', vars: {}, opts: { timeout: 4 }, expected: { connectTimeoutMs: 4000, keepaliveIntervalMs: 1000, keepaliveCountMax: 3 } },
    { name: 'ServerAlive options set the keepalive', host: 'db', vars: { ansible_ssh_common_args: '-o ServerAliveInterval=2 -o ServerAliveCountMax=5' }, expected: { keepaliveIntervalMs: 2000, keepaliveCountMax: 5 } },
    { name: 'StrictHostKeyChecking=no never accepts a changed key', host: 'db', vars: { ansible_ssh_common_args: '-o StrictHostKeyChecking=no' }, expected: { hostKeyChecking: 'accept-new' } },
    { name: 'only --host-key-checking off turns checking off', host: 'db', vars: { ansible_ssh_common_args: '-o StrictHostKeyChecking=yes' }, opts: { hostKeyChecking: 'off' }, expected: { hostKeyChecking: 'off' } },
  ];
  for (const c of cases) {
    it(c.name, () => expect(sshParamsFromVars(c.host, c.vars, c.opts ?? opts)).toMatchObject(c.expected));
  }

  it('never sends the target password to a bastion', () => {
    expect(sshParamsFromVars('web', { ansible_password: 'secret' }, opts).jump?.password).toBeUndefined();
  });

  const errorCases: [Record<string, unknown>, SshParamOptions, RegExp][] = [
    [{ ansible_port: 'http' }, opts, /ansible_port of db is 'http', not a port number/],
    [{ ansible_timeout: 'soon' }, opts, /not a number of seconds/],
    [{ tsrun_jump_host: 'a@b@c:x' }, opts, /bad ProxyJump hop/],
    [{}, { sshConfigFile: join(dir, 'missing') }, /ssh config file .* does not exist/],
  ];
  for (const [vars, o, error] of errorCases) {
    it(`rejects ${JSON.stringify(vars)} ${o.sshConfigFile?.endsWith('missing') ? 'with a missing config' : ''}`, () => {
      expect(() => sshParamsFromVars('db', vars, o)).toThrow(error);
    });
  }
});
