import { describe, expect, it } from 'vitest';
import YAML from 'yaml';
import { applySetFact, labInventory, render, renderTemplate, roleDefaults, roleTask, type Vars } from './harness';

describe('private-registry config.yml', () => {
  it('parses as YAML with TLS, htpasswd auth and the storage directory from the variables', () => {
    const vars = { ...roleDefaults('private-registry'), ...labInventory('lb1'), private_registry_port: 5443, private_registry_storage_dir: '/srv/registry' };
    const doc = YAML.parse(renderTemplate('private-registry', 'config.yml.hbs', vars)) as Record<string, Record<string, unknown>>;
    expect(doc.http).toMatchObject({ addr: ':5443', tls: { certificate: '/etc/docker/registry/tls/registry.crt', key: '/etc/docker/registry/tls/registry.key' } });
    expect(doc.auth).toEqual({ htpasswd: { realm: 'Registry', path: '/etc/docker/registry/htpasswd' } });
    expect(doc.storage).toMatchObject({ filesystem: { rootdirectory: '/srv/registry' }, delete: { enabled: false } });
  });

  it('refuses an empty user list and malformed users before touching a host', () => {
    const task = roleTask('private-registry', 'main.yml', 'find missing or malformed users');
    const bad = (users: unknown[]) => String(applySetFact(task, { ...roleDefaults('private-registry'), private_registry_users: users })._private_registry_bad_users);
    expect(bad([])).toBe(' no user;');
    expect(bad([{ name: 'a', password: 'p' }])).toBe('');
    expect(bad([{ name: 'a:b', password: 'p' }, { name: 'c' }])).toBe(" user 0: a name without ':' or spaces; user 1: a name and a password are needed;");
  });
});

describe('k3s-datastore', () => {
  const base = (): Vars => ({ ...roleDefaults('k3s-datastore'), ...labInventory('lb1'), k3s_datastore_password: 'Fake-pass-123' });
  const facts = roleTask('k3s-datastore', 'main.yml', "the datastore host, its address, and the password's form");

  it('finds the datastore host and its address in the inventory, and accepts only URL-safe passwords', () => {
    const out = applySetFact(facts, base());
    expect(out).toMatchObject({ _k3s_datastore_server: 'lb1', _k3s_datastore_address: '10.99.0.10', _k3s_datastore_password_ok: 'yes' });
    for (const pw of ['short', 'has space 123', 'p@ss/word1', "quote'd12"]) {
      expect(applySetFact(facts, { ...base(), k3s_datastore_password: pw })._k3s_datastore_password_ok, pw).toBe('no');
    }
    expect(applySetFact(facts, { ...base(), k3s_datastore_address: 'db.example.com' })._k3s_datastore_address).toBe('db.example.com');
  });

  it('allows each node, over TLS only, to the one database as the one user in pg_hba.conf', () => {
    const task = roleTask('k3s-datastore', 'server.yml', 'only the nodes, only over TLS, only to this database as this user');
    const block = render(String((task.blockinfile as Vars).block), base());
    expect(block.trim().split('\n')).toEqual([
      'hostssl k3s k3s 10.99.0.11/32 scram-sha-256',
      'hostssl k3s k3s 10.99.0.12/32 scram-sha-256',
      'hostssl k3s k3s 10.99.0.13/32 scram-sha-256',
    ]);
  });

  it("writes K3s's datastore-endpoint and datastore-cafile as YAML", () => {
    const task = roleTask('k3s-datastore', 'node.yml', "datastore-endpoint in K3s's config.yaml");
    const vars = { ...applySetFact(facts, base()), inventory_hostname: 'node1' };
    expect(YAML.parse(render(String((task.blockinfile as Vars).block), vars))).toEqual({
      'datastore-endpoint': 'postgres://k3s:Fake-pass-123@10.99.0.10:5432/k3s?sslmode=verify-full',
      'datastore-cafile': '/etc/rancher/k3s/datastore-ca.crt',
    });
  });
});
