import { execa, type ResultPromise } from 'execa';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { BASE_DIR } from '../../src/lab/base';
import { startFullHost } from '../../src/lab/host';
import { netnsName } from '../../src/lab/net';
import { readState, writeState } from '../../src/lab/state';
import { alive } from '../../src/lab/sys';
import { labSsh } from './lab-helpers';

const BIN = resolve(__dirname, '../../bin/tsrun.js');
const lab = inject('lab');
const nodes = lab.hosts.filter((h) => h.group === 'nodes').map((h) => h.name);
const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

/** Runs a shell command on a lab host as root and returns its stdout; a failure fails the test. */
async function on(host: string, command: string): Promise<string> {
  const r = await labSsh(lab, host, command);
  if (r.exitCode !== 0) throw new Error(`${host}: ${command}: exit ${r.exitCode}: ${r.stderr}`);
  return r.stdout;
}

/** Polls (at most `tries` times, `everyMs` apart) until `check` holds; fails naming what never happened. */
async function until(what: string, check: () => Promise<boolean>, tries = 120, everyMs = 1000): Promise<void> {
  for (let i = 0; i < tries; i++) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, everyMs));
  }
  throw new Error(`never happened: ${what}`);
}

/** Runs `body` with the host's link down (silence, not a refusal), and brings the link and its route back after. */
async function withLinkDown<T>(host: string, body: () => Promise<T>): Promise<T> {
  const ns = netnsName(lab.name, host);
  await execa('ip', ['-n', ns, 'link', 'set', 'host0', 'down']);
  try {
    return await body();
  } finally {
    await execa('ip', ['-n', ns, 'link', 'set', 'host0', 'up']);
    await execa('ip', ['-n', ns, 'route', 'replace', 'default', 'via', lab.bridgeAddress]);
  }
}

/** The controller ends of the nodes' veth pairs, where traffic to them leaves. */
function nodeVeths(): string[] {
  const state = readState(lab.name);
  if (!state) throw new Error(`lab ${lab.name} has no state file`);
  return state.hosts.filter((h) => nodes.includes(h.name)).map((h) => h.veth);
}

/** The PID 1 of a full host: the child of its systemd-nspawn that is process 1 in its own PID namespace. */
function containerInit(nspawn: number): number {
  for (const pid of readdirSync('/proc').filter((p) => /^\d+$/.test(p))) {
    try {
      const status = readFileSync(`/proc/${pid}/status`, 'utf8');
      const ppid = /^PPid:\s+(\d+)$/m.exec(status)?.[1];
      const nspid = /^NSpid:\s+(.*)$/m.exec(status)?.[1].trim().split(/\s+/);
      if (ppid === String(nspawn) && nspid && nspid.length > 1 && nspid[nspid.length - 1] === '1') return Number(pid);
    } catch {
      // exited while we looked
    }
  }
  throw new Error(`no PID 1 of a container under systemd-nspawn ${nspawn}`);
}

// Faults injected while tsrun writes large files under become: whatever happens, a target is the old file
// or the new one, never a part; temporary files do not survive; the run ends, and says how.
describe('faults', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tsrun-faults-'));
  const big = join(dir, 'big.bin');
  let bigSum = '';
  const copyPlay = join(dir, 'copy.yml');
  const tsrun = (args: string[], extra: Record<string, unknown> = {}) =>
    execa('node', [BIN, 'playbook', '-i', lab.inventoryPath, ...args], { reject: false, timeout: 600_000, ...extra });

  beforeAll(async () => {
    const data = randomBytes(30_000_000);
    writeFileSync(big, data);
    bigSum = sha(data);
    writeFileSync(copyPlay, `- hosts: nodes\n  gather_facts: no\n  tasks:\n    - copy: { src: ${big}, dest: /opt/big.bin, mode: '0644' }\n      become: true\n`);
    for (const h of nodes) await on(h, `printf old > /opt/big.bin; rm -f /opt/.big.bin.tsrun-tmp.*`);
    // a slow link, 80 Mbit/s from the controller to each node, keeps a 30 MB transfer going for about 3 s, so each
    // fault below lands mid-transfer: unshaped, a quiet machine copies it in a second, between two polls
    for (const veth of nodeVeths()) await execa('tc', ['qdisc', 'replace', 'dev', veth, 'root', 'tbf', 'rate', '80mbit', 'burst', '256kb', 'latency', '100ms']);
  });
  afterAll(async () => {
    rmSync(dir, { recursive: true, force: true });
    for (const veth of nodeVeths()) await execa('tc', ['qdisc', 'del', 'dev', veth, 'root'], { reject: false });
  });

  /** Every node's target checksum, and the temporary files beside it. */
  const evidence = async () => Promise.all(nodes.map(async (h) => ({
    host: h,
    sum: (await on(h, 'sha256sum /opt/big.bin')).split(' ')[0],
    temps: (await on(h, 'ls -a /opt | grep tsrun-tmp || true')).trim(),
  })));
  const OLD = sha(Buffer.from('old'));

  /** Starts a become copy as the NOPASSWD user and waits until a temporary file on node1 has grown. */
  async function startCopy(extraArgs: string[] = []): Promise<{ run: ResultPromise }> {
    const run = tsrun([copyPlay, '-e', 'ansible_user=nopass', ...extraArgs]);
    await until('a temporary file being written on node1', async () => {
      if (run.exitCode !== undefined && run.exitCode !== null) throw new Error(`tsrun ended early: ${run.exitCode}`);
      return (await on(nodes[0], 'find /opt -maxdepth 1 -name ".big.bin.tsrun-tmp.*" -size +1k | wc -l')).trim() !== '0';
    }, 600, 200);
    // wrapped: an async function would wait for a returned subprocess, which is a promise
    return { run };
  }

  it('SIGINT: stops the hosts\' commands, removes the temporary files, prints the recap, exits 130; a re-run converges', async () => {
    const { run } = await startCopy();
    run.kill('SIGINT');
    const r = await run;
    expect(r.exitCode).toBe(130);
    expect(r.stdout).toMatch(/interrupted/);
    expect(r.stdout).toMatch(/PLAY RECAP/);
    for (const e of await evidence()) {
      expect([OLD, bigSum]).toContain(e.sum);
      expect(e.temps).toBe('');
    }
    for (const h of nodes) expect(await on(h, 'ps -eo args | grep -c "^cat$" || true')).toBe('0');
    const again = await tsrun([copyPlay, '-e', 'ansible_user=nopass']);
    expect(again.exitCode).toBe(0);
    for (const e of await evidence()) expect(e).toEqual({ host: e.host, sum: bigSum, temps: '' });
  }, 900_000);

  it('SIGTERM: handled as SIGINT (commands stopped, temporary files removed, recap, exit 130)', async () => {
    for (const h of nodes) await on(h, 'printf old > /opt/big.bin');
    const { run } = await startCopy();
    run.kill('SIGTERM');
    const r = await run;
    expect(r.exitCode).toBe(130);
    expect(r.stderr).toContain('User interrupted execution (SIGTERM)');
    expect(r.stdout).toMatch(/PLAY RECAP/);
    for (const e of await evidence()) {
      expect([OLD, bigSum]).toContain(e.sum);
      expect(e.temps).toBe('');
    }
    for (const h of nodes) expect(await on(h, 'ps -eo args | grep -c "^cat$" || true')).toBe('0');
  }, 900_000);

  it('a second signal exits at once, without waiting on a host whose link is down; every target is still old or whole', async () => {
    for (const h of nodes) await on(h, 'printf old > /opt/big.bin');
    const victim = nodes[1];
    const { run } = await startCopy(['-T', '60']);
    await withLinkDown(victim, async () => {
      run.kill('SIGINT');
      // the first signal's clean-up is now waiting on the silent host (up to 5 s per host, longer to stop its command)
      await until('the first signal acknowledged', async () => run.exitCode === null || run.exitCode === undefined, 5);
      await new Promise((r) => setTimeout(r, 1000));
      const ended = run.exitCode !== null && run.exitCode !== undefined;
      expect(ended, 'the first signal alone must still be cleaning up the silent host').toBe(false);
      const second = Date.now();
      run.kill('SIGINT');
      const r = await run;
      expect(r.exitCode).toBe(130);
      // far below the first signal's wait on the silent host (5 s for its clean-up) and the 60 s timeout
      expect(Date.now() - second).toBeLessThan(4000);
    });
    for (const e of await evidence()) expect([OLD, bigSum]).toContain(e.sum);
    // what the second signal left behind, a later run removes
    const again = await tsrun([copyPlay, '-e', 'ansible_user=nopass']);
    expect(again.exitCode).toBe(0);
    for (const e of await evidence()) expect(e).toEqual({ host: e.host, sum: bigSum, temps: '' });
  }, 900_000);

  it('SIGKILL of the controller: every target is old or whole, and the hosts remove the temporary files', async () => {
    for (const h of nodes) await on(h, 'printf old > /opt/big.bin');
    const { run } = await startCopy();
    run.kill('SIGKILL');
    await run;
    await until('no temporary file left on any node', async () => (await evidence()).every((e) => e.temps === ''), 60);
    for (const e of await evidence()) expect([OLD, bigSum]).toContain(e.sum);
  }, 900_000);

  it('link down mid-transfer: that host is UNREACHABLE within --timeout, the others finish, exit 3', async () => {
    for (const h of nodes) await on(h, 'printf old > /opt/big.bin');
    const victim = nodes[1];
    const { run } = await startCopy(['-T', '6']);
    await withLinkDown(victim, async () => {
      const r = await run;
      expect(r.exitCode).toBe(3);
      expect(r.stdout).toMatch(new RegExp(`unreachable: \\[${victim}\\]`));
      expect(r.stdout).toMatch(new RegExp(`${victim}\\s+: ok=0 changed=0 unreachable=1 failed=0`));
      for (const h of nodes.filter((n) => n !== victim)) expect(r.stdout).toMatch(new RegExp(`${h}\\s+: ok=1 changed=1 unreachable=0 failed=0`));
    });
    for (const e of await evidence()) expect([OLD, bigSum]).toContain(e.sum);
  });

  it('a host crashed mid-transfer among three: UNREACHABLE within the bound, the others whole, exit 3; rebooted, a re-run converges', async () => {
    for (const h of nodes) await on(h, 'printf old > /opt/big.bin');
    const victim = nodes[2];
    const state = readState(lab.name);
    const record = state?.hosts.find((h) => h.name === victim);
    if (!state || !record?.pid) throw new Error(`lab ${lab.name} records no systemd-nspawn pid for ${victim}: a full (not light) host is needed`);
    const init = containerInit(record.pid);
    const timeout = 6;
    const run = tsrun([copyPlay, '-e', 'ansible_user=nopass', '-T', String(timeout)], { timeout: 300_000 });
    let reportedAt = 0;
    const seen: string[] = [];
    run.stdout?.on('data', (chunk: Buffer) => {
      seen.push(chunk.toString());
      if (!reportedAt && new RegExp(`unreachable: \\[${victim}\\]`).test(seen.join(''))) reportedAt = Date.now();
    });
    await until(`a temporary file being written on ${victim}`, async () => {
      if (run.exitCode !== undefined && run.exitCode !== null) throw new Error(`tsrun ended early: ${run.exitCode}`);
      return (await on(victim, 'find /opt -maxdepth 1 -name ".big.bin.tsrun-tmp.*" -size +1k | wc -l')).trim() !== '0';
    }, 600, 200);
    let crashedAt = 0;
    // Reboot: the same disk (its overlay's upper layer), a new systemd, recorded so `lab down` stops it.
    const reboot = async () => {
      if (alive(record.pid)) return;
      record.pid = startFullHost({ name: victim, address: record.address, netns: record.netns, dir: join(lab.dir, 'hosts', victim), authorizedKey: '', hostsFile: '' }, BASE_DIR);
      writeState(state);
      await until(`${victim} booted again`, async () => (await labSsh(lab, victim, 'systemctl is-system-running --wait')).stdout.trim() === 'running', 60);
    };
    try {
      // A crash: the host falls silent (its link goes first, so not even a reset leaves it), then every process in it
      // dies at once (SIGKILL to its PID 1 makes the kernel kill its whole PID namespace) and systemd-nspawn exits.
      await withLinkDown(victim, async () => {
        process.kill(init, 'SIGKILL');
        crashedAt = Date.now();
        await until(`${victim}'s systemd-nspawn ${record.pid} gone`, async () => !alive(record.pid), 30);
        // the execa timeout is the bound's witness for the run as a whole: a hang would be killed and fail the exit code check
        const r = await run;
        expect(r.exitCode, r.stdout).toBe(3);
        expect(r.stdout).toMatch(new RegExp(`unreachable: \\[${victim}\\]`));
        expect(r.stdout).toMatch(new RegExp(`${victim}\\s+: ok=0 changed=0 unreachable=1 failed=0`));
        // noticed within keepalives (every timeout/4 s, 3 unanswered): allow five times the bound on a loaded machine
        expect(reportedAt, 'the UNREACHABLE report seen as it came').toBeGreaterThan(0);
        expect(reportedAt - crashedAt, 'ms from the crash to the UNREACHABLE report').toBeLessThan(5 * timeout * 1000);
      });
      const survivors = nodes.filter((n) => n !== victim);
      const r = await run;
      for (const h of survivors) expect(r.stdout).toMatch(new RegExp(`${h}\\s+: ok=1 changed=1 unreachable=0 failed=0`));
      for (const h of survivors) {
        expect((await on(h, 'sha256sum /opt/big.bin')).split(' ')[0], h).toBe(bigSum);
        expect((await on(h, 'ls -a /opt | grep tsrun-tmp || true')).trim(), h).toBe('');
      }
    } finally {
      // whatever failed, the host comes back for the tests after this one
      await reboot();
    }
    expect([OLD, bigSum]).toContain((await on(victim, 'sha256sum /opt/big.bin')).split(' ')[0]);
    // nothing on the host removed the crash's temporary file: a later run does, once it is older than the bound
    expect((await on(victim, 'ls -a /opt | grep tsrun-tmp || true')).trim()).not.toBe('');
    await on(victim, "touch -d '-2 hours' /opt/.big.bin.tsrun-tmp.*");
    const again = await tsrun([copyPlay, '-e', 'ansible_user=nopass'], { env: { TSRUN_STALE_TEMP_MINUTES: '60' } });
    expect(again.exitCode, again.stdout).toBe(0);
    for (const e of await evidence()) expect(e).toEqual({ host: e.host, sum: bigSum, temps: '' });
  });

  describe('a peer that accepts TCP and never speaks SSH', () => {
    let server: Server;
    const sockets: Socket[] = [];
    let port = 0;
    beforeAll(async () => {
      server = createServer((s) => sockets.push(s));
      await new Promise<void>((res) => server.listen(0, '127.0.0.1', res));
      port = (server.address() as { port: number }).port;
    });
    afterAll(async () => {
      sockets.forEach((s) => s.destroy());
      await new Promise((res) => server.close(res));
    });

    it('is UNREACHABLE with the reason within the bound; the other hosts go on and are in the recap', async () => {
      const inv = join(dir, 'mute.ini');
      writeFileSync(inv, `[nodes]\nmute ansible_host=127.0.0.1 ansible_port=${port}\n`);
      const play = join(dir, 'ping.yml');
      writeFileSync(play, '- hosts: nodes\n  gather_facts: no\n  tasks:\n    - command: "true"\n');
      // the execa timeout is the bound's witness: a hang would be killed and fail the exit code check
      const r = await tsrun([play, '-i', inv, '-T', '3'], { timeout: 120_000 });
      expect(r.exitCode).toBe(3);
      expect(r.stdout).toMatch(/unreachable: \[mute\] => mute: cannot connect to \S+@127\.0\.0\.1:\d+: .*(handshake|timed out)/i);
      expect(r.stdout).toMatch(/mute\s+: ok=0 changed=0 unreachable=1/);
      for (const h of nodes) expect(r.stdout).toMatch(new RegExp(`${h}\\s+: ok=1 changed=1 unreachable=0 failed=0`));
    });
  });

  it('a full disk and a read-only file system over SFTP: errors naming the host, the path and the cause', async () => {
    const h = nodes[2];
    await on(h, 'mkdir -p /mnt/small /mnt/ro && mount -t tmpfs -o size=1m tmpfs /mnt/small && mount -t tmpfs -o ro,size=1m tmpfs /mnt/ro');
    try {
      const play = join(dir, 'full.yml');
      writeFileSync(play, `- hosts: ${h}\n  gather_facts: no\n  tasks:\n    - copy: { src: ${big}, dest: /mnt/small/big.bin }\n      ignore_errors: true\n    - copy: { content: x, dest: /mnt/ro/x }\n`);
      const r = await tsrun([play]);
      expect(r.exitCode).toBe(2);
      expect(r.stdout).toMatch(new RegExp(`${h}: could not write /mnt/small/big.bin: .*No space left on device`));
      expect(r.stdout).toMatch(new RegExp(`${h}: could not write /mnt/ro/x: .*Read-only file system`));
      expect(await on(h, 'ls -a /mnt/small /mnt/ro')).toBe('/mnt/ro:\n.\n..\n\n/mnt/small:\n.\n..');
    } finally {
      await on(h, 'umount /mnt/small /mnt/ro');
    }
  });

  it("a run removes other runs' stale temporary files beside the files it writes", async () => {
    const h = nodes[0];
    await on(h, "printf old > /opt/big.bin && printf x > /opt/.big.bin.tsrun-tmp.dead.1 && touch -d '-2 hours' /opt/.big.bin.tsrun-tmp.dead.1 && printf x > /opt/.other.tsrun-tmp.dead.1");
    const r = await tsrun([copyPlay, '-e', 'ansible_user=nopass', '-l', h], { env: { TSRUN_STALE_TEMP_MINUTES: '60' } });
    expect(r.exitCode).toBe(0);
    expect(await on(h, 'ls -a /opt | grep tsrun-tmp || true')).toBe('.other.tsrun-tmp.dead.1');
    await on(h, 'rm -f /opt/.other.tsrun-tmp.dead.1');
  });
});
