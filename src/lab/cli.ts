import type { Command } from 'commander';
import { TsrunError } from '../core/errors';

function int(value: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value)) throw new TsrunError('USAGE', `lab: ${JSON.stringify(value)} is not a count`, { expected: 'a whole number' });
  return n;
}

const stderr = (line: string) => process.stderr.write(`${line}\n`);

/** Adds `tsrun lab up|down|status|ssh` to the CLI. */
export function registerLabCommands(program: Command): void {
  const lab = program.command('lab').description('throwaway Debian hosts on this machine (root, Linux) for trying playbooks');
  lab
    .command('up')
    .description('bring a lab up and print the path of its inventory')
    .option('--name <name>', 'lab name', 'lab')
    .option('--nodes <n>', 'hosts in group nodes', int, 3)
    .option('--lb <n>', 'hosts in group lb', int, 1)
    .option('--light', 'sshd-only hosts without systemd, for scale tests')
    .action(async (o: { name: string; nodes: number; lb: number; light?: boolean }) => {
      const started = performance.now();
      // loaded on use: the lab's modules (and execa) cost start-up time that playbook runs should not pay
      const { labUp } = await import('./up');
      const info = await labUp({ ...o, log: stderr });
      stderr(`lab ${info.name}: up in ${((performance.now() - started) / 1000).toFixed(1)} s; proxy ${info.proxyUrl}, registry ${info.registry}`);
      process.stdout.write(`${info.inventoryPath}\n`);
    });
  lab
    .command('down')
    .description('stop a lab and remove everything it made')
    .option('--name <name>', 'lab name', 'lab')
    .action(async (o: { name: string }) => {
      const { labDown } = await import('./down');
      const found = await labDown(o.name, stderr);
      stderr(found ? `lab ${o.name}: down` : `lab ${o.name}: nothing to take down`);
    });
  lab
    .command('status')
    .description("show a lab's hosts and services")
    .option('--name <name>', 'lab name', 'lab')
    .action(async (o: { name: string }) => {
      const { labStatus } = await import('./status');
      const s = await labStatus(o.name);
      if (!s) {
        stderr(`lab ${o.name}: not up`);
        return;
      }
      const up = (b: boolean) => (b ? 'running' : 'STOPPED');
      const lines = [
        `lab ${s.info.name}${s.light ? ' (light)' : ''}  inventory ${s.info.inventoryPath}`,
        `  proxy     ${s.info.proxyUrl}  ${up(s.proxyRunning)}`,
        `  registry  ${s.info.registry}  ${up(s.registryRunning)}`,
        ...s.hosts.map((h) => `  ${h.name.padEnd(8)}  ${h.address.padEnd(14)}  ${h.group.padEnd(5)}  ${up(h.running)}`),
      ];
      process.stdout.write(`${lines.join('\n')}\n`);
    });
  lab
    .command('ssh')
    .description('open a shell (or run a command) on a lab host as root, or USER@HOST')
    .argument('<host>', 'host name, e.g. node1 or tsrun@node1')
    .argument('[command...]', 'command to run instead of a shell')
    .option('--name <name>', 'lab name', 'lab')
    .action(async (target: string, command: string[], o: { name: string }) => {
      const { labStatus } = await import('./status');
      const s = await labStatus(o.name);
      if (!s) throw new TsrunError('USAGE', `lab ${o.name} is not up`, { expected: `tsrun lab up --name ${o.name}` });
      const [user, hostName] = target.includes('@') ? target.split('@', 2) : ['root', target];
      const host = s.hosts.find((h) => h.name === hostName);
      if (!host) {
        throw new TsrunError('USAGE', `lab ${o.name} has no host ${JSON.stringify(hostName)}`, { expected: s.hosts.map((h) => h.name).join(', ') });
      }
      const args = ['-i', s.info.keyPath, '-o', 'IdentitiesOnly=yes', '-o', `UserKnownHostsFile=${s.info.knownHostsPath}`, '-o', 'StrictHostKeyChecking=yes'];
      const { execa } = await import('execa');
      const r = await execa('ssh', [...args, `${user}@${host.address}`, ...command], { stdio: 'inherit', reject: false });
      process.exitCode = r.exitCode ?? 255;
    });
}
