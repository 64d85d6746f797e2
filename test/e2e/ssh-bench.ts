/**
 * Measures the SSH connection layer: 10 sshd on 127.77.3.x, connected to in parallel, then 20 trivial
 * commands on each host (in order per host, hosts in parallel, as a 20-task play runs). It logs in as a
 * throwaway user whose login shell is /bin/sh, so a heavy ~/.bashrc on this machine does not skew the figures;
 * `--root` logs in as root instead. Run: npx tsx test/e2e/ssh-bench.ts [--root]
 */
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { sshParamsFromVars } from '../../src/connection/params';
import { SshConnection } from '../../src/connection/ssh';
import { addUser, keygen, knownHostsLine, labDir, startSshd } from './ssh-lab';

const HOSTS = 10;
const COMMANDS = 20;

const asRoot = process.argv.includes('--root');
const user = asRoot ? 'root' : `tsrun_bench${process.pid % 100000}`;
const removeUser = asRoot ? () => {} : addUser(user, `bench-${process.pid}-Secret!`);
const dir = labDir('tsrun-bench-');
const { key, pub } = keygen(dir, 'id_ed25519', 'ed25519');
const authorized = join(dir, 'authorized_keys');
writeFileSync(authorized, `${pub}\n`, { mode: 0o644 });
const servers = await Promise.all(Array.from({ length: HOSTS }, (_, i) => startSshd({ addr: `127.77.3.${i + 1}`, authorizedKeys: authorized, hostKeyDir: dir })));
const knownHosts = join(dir, 'known_hosts');
writeFileSync(knownHosts, servers.map(knownHostsLine).join(''));
const config = join(dir, 'ssh_config');
writeFileSync(config, '');

try {
  const params = servers.map((s, i) =>
    sshParamsFromVars(`host${i}`, { ansible_host: s.addr, ansible_port: s.port, ansible_user: user, ansible_ssh_private_key_file: key, tsrun_known_hosts: knownHosts }, { sshConfigFile: config }),
  );
  const t0 = performance.now();
  const conns = await Promise.all(params.map((p) => SshConnection.open(p)));
  const t1 = performance.now();
  const perExec: number[] = [];
  await Promise.all(
    conns.map(async (c) => {
      for (let i = 0; i < COMMANDS; i++) perExec.push((await c.exec(`test -e /etc/hostname && echo ${i}`)).durationMs);
    }),
  );
  const t2 = performance.now();
  await Promise.all(conns.map((c) => c.close()));
  perExec.sort((a, b) => a - b);
  const ms = (x: number) => `${x.toFixed(1)} ms`;
  console.log(`user ${user}, ${HOSTS} sshd on 127.77.3.1-${HOSTS}`);
  console.log(`connect ${HOSTS} hosts in parallel: ${ms(t1 - t0)}`);
  console.log(`${COMMANDS} commands on each (${HOSTS * COMMANDS} total): ${ms(t2 - t1)}`);
  console.log(`per command: median ${ms(perExec[perExec.length >> 1])}, p90 ${ms(perExec[Math.floor(perExec.length * 0.9)])}`);
  console.log(`total: ${ms(t2 - t0)}`);
} finally {
  await Promise.all(servers.map((s) => s.stop()));
  rmSync(dir, { recursive: true, force: true });
  removeUser();
}
