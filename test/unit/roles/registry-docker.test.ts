import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import YAML from 'yaml';
import { engine } from './engine';
import { applySetFact, loadYaml, render, renderTemplate, roleDefaults, ROOT, roleTask, type Vars } from './harness';

/** registry-mirror's variables after its checks and its fact for the docker role. */
function mirrorVars(extra: Vars): Vars {
  let vars: Vars = { ...roleDefaults('registry-mirror'), ...extra };
  vars = applySetFact(roleTask('registry-mirror', 'main.yml', 'malformed docker mirror, insecure-registry, CA and login entries'), vars);
  return applySetFact(roleTask('registry-mirror', 'main.yml', 'docker mirrors for the docker role (merged into daemon.json)'), vars);
}

const registry = '10.99.0.1:5000';

describe('registry-mirror -> docker daemon.json', () => {
  it('merges the mirror fact over docker_daemon_config into valid JSON', () => {
    const facts = mirrorVars({
      registry_mirror_docker_mirrors: [`http://${registry}`],
      registry_mirror_docker_insecure: [registry],
    });
    expect(facts._registry_mirror_bad).toBe('');
    const vars = {
      ...roleDefaults('docker'),
      docker_daemon_config: { 'log-driver': 'json-file', 'log-opts': { 'max-size': '100m' }, 'registry-mirrors': ['x'] },
      docker_daemon_config_registry: facts.docker_daemon_config_registry,
    };
    const text = renderTemplate('docker', 'daemon.json.hbs', vars);
    expect(JSON.parse(text)).toEqual({
      'log-driver': 'json-file',
      'log-opts': { 'max-size': '100m' },
      'registry-mirrors': [`http://${registry}`],
      'insecure-registries': [registry],
    });
    expect(text.endsWith('}\n')).toBe(true);
  });

  it('renders the defaults as an empty JSON object', () => {
    expect(JSON.parse(renderTemplate('docker', 'daemon.json.hbs', roleDefaults('docker')))).toEqual({});
  });

  it.each([
    [['http://r:5000/v2'], [], "mirror 'http://r:5000/v2'"],
    [['r:5000'], [], "mirror 'r:5000'"],
    [[], ['http://r:5000'], "insecure registry 'http://r:5000'"],
    [[], ['10.0.0.0/8/1'], "insecure registry '10.0.0.0/8/1'"],
    [[], ['r:5000/path'], "insecure registry 'r:5000/path'"],
  ])('refuses mirrors %j / insecure %j', (mirrors, insecure, message) => {
    const facts = mirrorVars({ registry_mirror_docker_mirrors: mirrors, registry_mirror_docker_insecure: insecure });
    expect(facts._registry_mirror_bad).toContain(message);
  });

  it('accepts insecure registries as HOST, HOST:PORT and CIDR (IPv4 and IPv6), as docker does', () => {
    const insecure = ['r', 'r.example.com:5000', '10.99.0.1:5000', '10.0.0.0/8', '192.168.0.0/16', 'fd00::/8'];
    const facts = mirrorVars({ registry_mirror_docker_insecure: insecure });
    expect(facts._registry_mirror_bad).toBe('');
    expect(facts.docker_daemon_config_registry).toMatchObject({ 'insecure-registries': insecure });
  });

  it('accepts a CA entry with HOST:PORT and a PEM text, and refuses others naming the entry', () => {
    const pem = '-----BEGIN CERTIFICATE-----\nMII=\n-----END CERTIFICATE-----\n';
    expect(mirrorVars({ registry_mirror_docker_cas: [{ registry: 'r.example.com:5000', ca: pem }] })._registry_mirror_bad).toBe('');
    const bad = String(mirrorVars({ registry_mirror_docker_cas: [{ registry: 'https://r:5000', ca: pem }, { registry: 'r:5000', ca: '/path/ca.crt' }] })._registry_mirror_bad);
    expect(bad).toContain("CA entry 'https://r:5000' (expected registry: HOST:PORT)");
    expect(bad).toContain("CA entry 'r:5000' (expected ca: a PEM certificate)");
  });
});

describe('registry-mirror registries.yaml', () => {
  const full = mirrorVars({
    registry_mirror_mirrors: [
      { name: 'docker.io', endpoint: [`http://${registry}`] },
      { name: '*', endpoint: [`http://${registry}`], rewrite: { '^rancher/(.*)': 'mirror/rancher/$1' } },
    ],
    registry_mirror_configs: [
      { registry, auth: { username: 'u', password: 'p"w: #x' }, tls: { ca_file: '/etc/ssl/ca.crt', insecure_skip_verify: false } },
      { registry: 'plain:5000' },
    ],
  });

  it.each(['1.1', '1.2'] as const)('parses as YAML %s with the K3s/RKE2 shape, "*" a string key', (version) => {
    const text = renderTemplate('registry-mirror', 'registries.yaml.hbs', full);
    const doc = YAML.parseDocument(text, { version });
    expect(doc.errors).toEqual([]);
    expect(doc.toJS()).toEqual({
      mirrors: {
        'docker.io': { endpoint: [`http://${registry}`] },
        '*': { endpoint: [`http://${registry}`], rewrite: { '^rancher/(.*)': 'mirror/rancher/$1' } },
      },
      configs: {
        [registry]: { auth: { username: 'u', password: 'p"w: #x' }, tls: { ca_file: '/etc/ssl/ca.crt', insecure_skip_verify: false } },
        'plain:5000': {},
      },
    });
    expect(text).toContain('"*":');
  });

  it('writes empty maps when nothing is configured', () => {
    const text = renderTemplate('registry-mirror', 'registries.yaml.hbs', mirrorVars({}));
    expect(YAML.parse(text, { version: '1.1' })).toEqual({ mirrors: {}, configs: {} });
  });

  it('keeps credentials out of logs and diffs', () => {
    for (const name of ['K3s registries.yaml', 'RKE2 registries.yaml']) {
      const task = roleTask('registry-mirror', 'main.yml', name);
      expect(task.no_log).toBe(true);
      expect(task.diff).toBe(false);
      expect((task.template as Vars).mode).toBe('0600');
    }
  });
});

describe('registry-mirror docker login (root config.json)', () => {
  const login = { registry_mirror_docker_login_registry: registry, registry_mirror_docker_login_username: 'rancher', registry_mirror_docker_login_password: 'pa:ss"w' };
  const auth = Buffer.from('rancher:pa:ss"w').toString('base64');

  /** The file the role writes over a configuration whose `cat` gave rc and stdout, and whether it writes it. */
  function written(rc: number, stdout: string): { content: string; writes: boolean } {
    const vars = applySetFact(roleTask('registry-mirror', 'main.yml', 'merged into that configuration'), {
      ...mirrorVars(login),
      _registry_mirror_docker_config_now: { rc, stdout },
    });
    const task = roleTask('registry-mirror', 'main.yml', 'in {{ registry_mirror_docker_config }}');
    const when = String(task.when);
    if (!engine.evaluate) throw new Error(`${engine.name} cannot evaluate conditions`);
    return { content: render(String((task.copy as Vars).content), vars), writes: Boolean(engine.evaluate(when, vars)) };
  }

  it('writes docker login\'s auth (base64 of USER:PASSWORD) into a new file', () => {
    expect(mirrorVars(login)._registry_mirror_bad).toBe('');
    const { content, writes } = written(1, '');
    expect(writes).toBe(true);
    expect(JSON.parse(content)).toEqual({ auths: { [registry]: { auth } } });
    expect(content.endsWith('}\n')).toBe(true);
  });

  it('keeps what else the file holds, and leaves a file with the same credentials alone (docker\'s own formatting too)', () => {
    const other = { auths: { 'other:5000': { auth: 'eDp5' } }, credsStore: 'pass' };
    const merged = written(0, JSON.stringify(other, null, '\t'));
    expect(merged.writes).toBe(true);
    expect(JSON.parse(merged.content)).toEqual({ auths: { 'other:5000': { auth: 'eDp5' }, [registry]: { auth } }, credsStore: 'pass' });
    expect(written(0, merged.content.trimEnd()).writes).toBe(false);
    expect(written(0, JSON.stringify({ credsStore: 'pass', auths: { [registry]: { auth }, 'other:5000': { auth: 'eDp5' } } }, null, '\t')).writes).toBe(false);
    // another password for the same registry is written
    expect(written(0, JSON.stringify({ auths: { [registry]: { auth: 'b2xk' } } })).writes).toBe(true);
  });

  it.each([
    [{ registry_mirror_docker_login_password: '' }, "docker login '10.99.0.1:5000'"],
    [{ registry_mirror_docker_login_username: '' }, "docker login '10.99.0.1:5000'"],
    [{ registry_mirror_docker_login_registry: 'https://r:5000' }, "docker login 'https://r:5000'"],
  ])('refuses an incomplete or malformed login %j', (change, message) => {
    expect(mirrorVars({ ...login, ...change })._registry_mirror_bad).toContain(message);
  });

  it('marks the password secret and keeps the file out of logs and diffs; nothing of it on a command line', () => {
    const specs = loadYaml(join(ROOT, 'roles/registry-mirror/meta/argument_specs.yml')) as { argument_specs: { main: { options: Record<string, Vars> } } };
    expect(specs.argument_specs.main.options.registry_mirror_docker_login_password.no_log).toBe(true);
    for (const name of ['configuration as it is (read-only)', 'merged into that configuration', 'in {{ registry_mirror_docker_config }}']) {
      expect(roleTask('registry-mirror', 'main.yml', name).no_log, name).toBe(true);
    }
    const task = roleTask('registry-mirror', 'main.yml', 'in {{ registry_mirror_docker_config }}');
    expect(task.diff).toBe(false);
    expect((task.copy as Vars).mode).toBe('0600');
    expect(String(roleTask('registry-mirror', 'main.yml', 'configuration as it is (read-only)').command)).not.toContain('password');
  });
});
