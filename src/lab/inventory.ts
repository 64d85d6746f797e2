import YAML from 'yaml';
import type { LabInfo } from './state';

/** Rancher's host name in the lab: every host's /etc/hosts maps it to the first balancer (the seed's DNS record). */
export const LAB_RANCHER_FQDN = 'rancher.lab.test';

/** Renders a lab's inventory: groups `nodes` and `lb`, connection variables, and the lab's proxy and registry. */
export function renderInventory(info: LabInfo): string {
  const group = (g: string) =>
    Object.fromEntries(info.hosts.filter((h) => h.group === g).map((h) => [h.name, { ansible_host: h.address }]));
  const doc = {
    all: {
      vars: {
        ansible_user: 'root',
        ansible_ssh_private_key_file: info.keyPath,
        tsrun_known_hosts: info.knownHostsPath,
        // The same pinning for OpenSSH-based runners such as Ansible.
        ansible_ssh_common_args: `-o UserKnownHostsFile=${info.knownHostsPath} -o StrictHostKeyChecking=yes`,
        lab_name: info.name,
        lab_proxy: info.proxyUrl,
        lab_registry: info.registry,
        lab_image: info.image,
        lab_rancher_fqdn: LAB_RANCHER_FQDN,
      },
      children: { nodes: { hosts: group('nodes') }, lb: { hosts: group('lb') } },
    },
  };
  return `# Written by \`tsrun lab up\` for lab ${info.name}; removed by \`tsrun lab down --name ${info.name}\`.\n${YAML.stringify(doc, { lineWidth: 0 })}`;
}

/** Renders the lab's known_hosts: each host's own key under its name and its address. */
export function renderKnownHosts(entries: { name: string; address: string; publicKey: string }[]): string {
  return entries.map((e) => `${e.name},${e.address} ${e.publicKey.split(' ').slice(0, 2).join(' ')}\n`).join('');
}

/** Renders /etc/hosts for every host of a lab, with the DNS record of Rancher's host name when there is a balancer. */
export function renderEtcHosts(bridgeAddress: string, hosts: { name: string; address: string; group?: string }[]): string {
  const lines = ['127.0.0.1\tlocalhost', '::1\tlocalhost ip6-localhost ip6-loopback', `${bridgeAddress}\ttsrun-controller`];
  for (const h of hosts) lines.push(`${h.address}\t${h.name}`);
  const lb = hosts.find((h) => h.group === 'lb');
  if (lb) lines.push(`${lb.address}\t${LAB_RANCHER_FQDN}`);
  return lines.join('\n') + '\n';
}
