import { describe, expect, it } from 'vitest';
import YAML from 'yaml';
import { mirrorsIn } from '../../../src/lab/base';
import { renderEtcHosts, renderInventory, renderKnownHosts } from '../../../src/lab/inventory';
import type { LabInfo } from '../../../src/lab/state';

describe('lab: mirror from apt sources', () => {
  it.each([
    ['deb822', 'Types: deb\nURIs: http://deb.debian.org/debian\nSuites: bookworm bookworm-updates\nComponents: main\n', ['http://deb.debian.org/debian']],
    ['deb822 security only', 'Types: deb\nURIs: http://deb.debian.org/debian-security\nSuites: bookworm-security\n', []],
    ['one-line', 'deb http://ftp.de.debian.org/debian bookworm main\ndeb http://security.debian.org/debian-security bookworm-security main\n', ['http://ftp.de.debian.org/debian']],
    ['one-line with options', 'deb [arch=amd64] http://mirror.example/debian/ bookworm main contrib\n', ['http://mirror.example/debian/']],
    ['other release', 'deb http://deb.debian.org/debian bullseye main\n', []],
    ['not debian', 'deb https://packages.cloud.google.com/apt cloud-sdk-bookworm main\n', []],
  ])('%s', (_name, text, expected) => {
    expect(mirrorsIn(text)).toEqual(expected);
  });
});

describe('lab: inventory', () => {
  const info: LabInfo = {
    name: 'x',
    dir: '/l/x',
    inventoryPath: '/l/x/inventory.yml',
    knownHostsPath: '/l/x/known_hosts',
    keyPath: '/l/x/id_ed25519',
    bridgeAddress: '10.213.7.1',
    proxyUrl: 'http://10.213.7.1:3128',
    registry: '10.213.7.1:5000',
    image: '10.213.7.1:5000/lab/hello:latest',
    hosts: [
      { name: 'node1', address: '10.213.7.11', group: 'nodes' },
      { name: 'lb1', address: '10.213.7.201', group: 'lb' },
    ],
  };

  it('has both groups, the connection variables and the lab services', () => {
    const inv = YAML.parse(renderInventory(info));
    expect(inv.all.children).toEqual({ nodes: { hosts: { node1: { ansible_host: '10.213.7.11' } } }, lb: { hosts: { lb1: { ansible_host: '10.213.7.201' } } } });
    expect(inv.all.vars).toMatchObject({
      ansible_user: 'root',
      ansible_ssh_private_key_file: '/l/x/id_ed25519',
      tsrun_known_hosts: '/l/x/known_hosts',
      ansible_ssh_common_args: '-o UserKnownHostsFile=/l/x/known_hosts -o StrictHostKeyChecking=yes',
      lab_proxy: 'http://10.213.7.1:3128',
      lab_registry: '10.213.7.1:5000',
      lab_rancher_fqdn: 'rancher.lab.test',
    });
  });

  it("maps Rancher's host name to the first balancer in every host's /etc/hosts (the lab's DNS record)", () => {
    const text = renderEtcHosts(info.bridgeAddress, info.hosts);
    expect(text.split('\n')).toContain('10.213.7.201\trancher.lab.test');
    expect(text.split('\n')).toContain('10.213.7.11\tnode1');
    expect(renderEtcHosts(info.bridgeAddress, [info.hosts[0]])).not.toContain('rancher.lab.test');
  });

  it('pins each host key under the host name and address, without the key comment', () => {
    expect(renderKnownHosts([{ name: 'node1', address: '10.213.7.11', publicKey: 'ssh-ed25519 AAAAC3 root@node1' }])).toBe(
      'node1,10.213.7.11 ssh-ed25519 AAAAC3\n',
    );
  });
});
