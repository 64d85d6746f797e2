import { describe, expect, it } from 'vitest';
import YAML from 'yaml';
import { applySetFact, labInventory, renderTemplate, roleDefaults, roleTask, type Vars } from './harness';

/** Renders rancher-cluster.yml for an inventory whose hostvars are given, and parses it as YAML. */
function cluster(hostvars: Record<string, Vars>, extra: Vars = {}): { text: string; doc: { nodes: Vars[] } & Vars } {
  const vars = { ...roleDefaults('rke-config'), ...labInventory('node1'), hostvars, groups: { nodes: Object.keys(hostvars) }, ...extra };
  const text = renderTemplate('rke-config', 'rancher-cluster.yml.hbs', vars);
  return { text, doc: YAML.parse(text) as { nodes: Vars[] } & Vars };
}

describe('rke-config rancher-cluster.yml', () => {
  it('has one node per inventory host, in order, from ansible_host, ansible_user and the ssh key', () => {
    const { doc } = cluster({
      n1: { ansible_host: '10.0.0.11', ansible_user: 'root', ansible_ssh_private_key_file: '/k/id' },
      n2: { ansible_host: '10.0.0.12', ansible_user: 'root', ansible_ssh_private_key_file: '/k/id' },
      n3: {},
    });
    expect(doc).toEqual({
      nodes: [
        { address: '10.0.0.11', user: 'root', role: ['controlplane', 'etcd', 'worker'], ssh_key_path: '/k/id' },
        { address: '10.0.0.12', user: 'root', role: ['controlplane', 'etcd', 'worker'], ssh_key_path: '/k/id' },
        { address: 'n3', user: 'root', role: ['controlplane', 'etcd', 'worker'], ssh_key_path: '~/.ssh/id_rsa' },
      ],
    });
  });

  it('takes rke_* host variables over the connection variables, adds port and internal_address when given', () => {
    const { doc } = cluster({
      n1: { ansible_host: '10.0.0.11', ansible_port: 2222, ansible_user: 'a', rke_address: 'n1.example.com', rke_internal_address: '192.168.0.11', rke_user: 'rke: "admin"', rke_role: ['worker'], rke_ssh_key_path: '/r/key' },
    });
    expect(doc.nodes).toEqual([
      { address: 'n1.example.com', internal_address: '192.168.0.11', port: '2222', user: 'rke: "admin"', role: ['worker'], ssh_key_path: '/r/key' },
    ]);
  });

  it('writes the keys of rke_config_extra after nodes', () => {
    const extra = { services: { etcd: { snapshot: true, retention: '24h' } }, addons: 'line1\nline2\n' };
    const { doc, text } = cluster({ n1: { ansible_host: '10.0.0.11' } }, { rke_config_extra: extra });
    expect(doc).toMatchObject(extra);
    expect(Object.keys(doc).sort()).toEqual(['addons', 'nodes', 'services']);
    expect(text.indexOf('nodes:')).toBeLessThan(text.indexOf('services:'));
  });

  it('gives the CA as one base64 line of the PEM ending in one newline (base64 -w0), beside rancher-cluster.yml', () => {
    const pem = '-----BEGIN CERTIFICATE-----\nMIIBszCCAVmgAwIBAgIU\n-----END CERTIFICATE-----\n';
    const facts = (path: string, ca: string) => applySetFact(roleTask('rke-config', 'main.yml', 'the CA as one base64 line (cacerts.pem)'), {
      ...roleDefaults('rke-config'), rke_config_cacerts: true, rke_config_ca_certificate: ca, rke_config_path: path,
    });
    for (const ca of [pem, pem.trimEnd(), `\n${pem}\n\n`]) {
      const line = String(facts('/home/me/rancher/rancher-cluster.yml', ca).rke_config_cacerts_base64);
      expect(line).toMatch(/^[A-Za-z0-9+/]+=*$/);
      expect(Buffer.from(line, 'base64').toString()).toBe(pem);
    }
    expect(facts('/home/me/rancher/rancher-cluster.yml', pem)._rke_config_cacerts_file).toBe('/home/me/rancher/cacerts.pem.base64');
    expect(facts('rancher-cluster.yml', pem)._rke_config_cacerts_file).toMatch(/^(\.\/)?cacerts\.pem\.base64$/);
    expect(facts('out/rancher-cluster.yml', pem)._rke_config_cacerts_file).toBe('out/cacerts.pem.base64');
  });
});
