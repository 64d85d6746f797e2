import { readFileSync } from 'node:fs';
import { userInfo } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { LocalConnection } from '../../../src/connection/local';
import { gatherFacts } from '../../../src/facts/gather';
import { parseFacts } from '../../../src/facts/parse';

const captured = (name: string) => readFileSync(join(import.meta.dirname, 'captured', name), 'utf8');

// Each case: a captured output of the facts script, and the facts it must give.
const cases: [string, Record<string, unknown>][] = [
  ['debian12-container.out', {
    ansible_distribution: 'Debian', ansible_os_family: 'Debian', ansible_distribution_version: '12.11', ansible_distribution_major_version: '12',
    ansible_distribution_release: 'bookworm', ansible_architecture: 'x86_64', ansible_kernel: '6.18.44-fc-v669', ansible_hostname: 'vm',
    ansible_default_ipv4: { address: '192.0.2.2', interface: 'eth0', gateway: '192.0.2.1', prefix: '24', netmask: '255.255.255.0', network: '192.0.2.0', broadcast: '192.0.2.255' },
    ansible_all_ipv4_addresses: ['192.0.2.2'], ansible_all_ipv6_addresses: ['fd00::2', 'fe80::fc:ff:fe00:1'],
    ansible_memtotal_mb: 24105, ansible_processor_vcpus: 2, ansible_processor_count: 1,
    ansible_service_mgr: 'process_api', ansible_pkg_mgr: 'apt', ansible_user_id: 'root', ansible_user_uid: 0,
  }],
  ['ubuntu2204-systemd.out', {
    ansible_distribution: 'Ubuntu', ansible_os_family: 'Debian', ansible_distribution_version: '22.04', ansible_distribution_major_version: '22',
    ansible_distribution_release: 'jammy', ansible_architecture: 'aarch64', ansible_hostname: 'web1', ansible_nodename: 'web1.example.com',
    ansible_fqdn: 'web1.example.com', ansible_domain: 'example.com',
    ansible_default_ipv4: { address: '10.0.0.15', interface: 'ens3', gateway: '10.0.0.1', netmask: '255.255.240.0', network: '10.0.0.0' },
    ansible_all_ipv4_addresses: ['10.0.0.15', '172.17.0.1'], ansible_all_ipv6_addresses: ['fe80::1c2e:aff:fe3b:1'],
    ansible_interfaces: ['lo', 'ens3', 'docker0', 'veth1a2b'], ansible_memtotal_mb: 3932, ansible_swaptotal_mb: 2047,
    ansible_processor_vcpus: 8, ansible_processor_count: 2, ansible_service_mgr: 'systemd', ansible_pkg_mgr: 'apt',
    ansible_user_id: 'deploy', ansible_user_dir: '/home/deploy', ansible_env: { HOME: '/home/deploy', USER: 'deploy' },
  }],
  ['rocky9-noip.out', {
    ansible_distribution: 'Rocky', ansible_os_family: 'RedHat', ansible_distribution_version: '9.3', ansible_distribution_major_version: '9',
    ansible_distribution_release: 'Blue Onyx', ansible_default_ipv4: {}, ansible_all_ipv4_addresses: ['192.168.1.20'],
    ansible_all_ipv6_addresses: ['fd00::20'], ansible_processor_count: 1, ansible_service_mgr: 'sysvinit', ansible_pkg_mgr: 'dnf',
  }],
];

describe('parseFacts', () => {
  it.each(cases)('%s', (file, want) => expect(parseFacts(captured(file))).toMatchObject(want));
});

describe('facts Ansible decides in its own way', () => {
  const out = (sections: Record<string, string>) => Object.entries(sections).map(([k, v]) => `@@tsrun-facts:${k}\n${v}\n`).join('') + '@@tsrun-facts:end\n';
  it.each([
    ['process_api', 'process_api'], ['tini', 'tini'], ['systemd', 'systemd'], ['runit-init', 'runit'],
    ['bash\nsysvinit-present', 'sysvinit'], ['init\nsystemd-running\nsysvinit-present', 'systemd'], ['init\nopenrc-present\nsystemd-offline', 'openrc'],
    ['sh', 'service'],
  ])('service_mgr for PID 1 and markers %j is %s', (init, want) => expect(parseFacts(out({ init })).ansible_service_mgr).toBe(want));
  it.each([
    ['127.0.0.1       localhost', 'localhost', ''], ['10.0.0.5 web1 web1.example.com', 'web1.example.com', 'example.com'],
    ['- db1.lan', 'db1.lan', 'lan'],
  ])('fqdn from the reverse lookup %j is %s (as Python getfqdn)', (fqdn, want, domain) => {
    expect(parseFacts(out({ hostname: 'vm\nvm.other', fqdn }))).toMatchObject({ ansible_fqdn: want, ansible_domain: domain });
  });
});

describe('gatherFacts on the controller', () => {
  it('reads this machine in one exec with Ansible names', async () => {
    const conn = new LocalConnection('localhost');
    let execs = 0;
    const counting = { ...conn, host: conn.host, exec: (c: string, o?: object) => (execs++, conn.exec(c, o)) } as unknown as LocalConnection;
    const f = await gatherFacts(counting);
    expect(execs).toBe(1);
    expect(f).toMatchObject({ ansible_os_family: 'Debian', ansible_distribution: 'Debian', ansible_distribution_major_version: '12', ansible_pkg_mgr: 'apt', ansible_user_id: userInfo().username, ansible_system: 'Linux' });
    expect(f.ansible_memtotal_mb).toBeGreaterThan(100);
    expect(f.ansible_processor_vcpus).toBeGreaterThanOrEqual(1);
    expect(f.ansible_architecture).toMatch(/^(x86_64|aarch64|armv\w+|i686|riscv64|s390x|ppc64le)$/);
    expect(typeof (f.ansible_default_ipv4 as { address?: string }).address).toBe('string');
  });
});
