// The fresh-machine check that CI runs: in a throwaway Debian 12 root made as the lab makes its base (debootstrap
// minbase, cached), with nothing but the controller's node and npm bound in, `bin/setup.sh` runs from nothing,
// then its preflight, then the unit tests (they run the real `nginx -t`). A package that the tests need and
// that bin/packages.txt lacks makes it fail, as it would on a new machine.
//
//   npx tsx test/fresh/fresh-root.ts [--drop PACKAGE]   (as root; --drop removes a line from the list, to prove that)
import { execa } from 'execa';
import { copyFileSync, cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { ensureRoot, MARKER } from '../../src/lab/base';
import { requireRootLinux } from '../../src/lab/preflight';
import { sh, unmountUnder } from '../../src/lab/sys';

const REPO = resolve(dirname(new URL(import.meta.url).pathname), '../..');
/** Bumped when what goes into the cached root changes. */
const FRESH = { dir: '/var/cache/tsrun/fresh-bookworm', version: 'fresh-1' };
/** Debian packages downloaded by earlier checks, kept so that a check costs the install, not the download. */
const APT_CACHE = '/var/cache/tsrun/fresh-apt';

const log = (line: string) => process.stderr.write(`fresh-root: ${line}\n`);
const seconds = (since: number) => `${((performance.now() - since) / 1000).toFixed(0)} s`;

async function main(argv: string[]): Promise<number> {
  requireRootLinux();
  const drop = argv[0] === '--drop' ? argv[1] : undefined;
  const started = performance.now();
  const base = await ensureRoot(log, { ...FRESH, customise: `set -e\napt-get clean\necho ${FRESH.version} > /${MARKER}\n` });
  const work = mkdtempSync('/var/tmp/tsrun-fresh-');
  const root = join(work, 'root');
  try {
    await assemble(base, work, root, drop);
    log(`root ready in ${seconds(started)}; running setup, preflight and unit tests inside`);
    const steps = [
      'cd /root/tsrun',
      'sh bin/setup.sh',
      'sh bin/setup.sh --check',
      './node_modules/.bin/vitest run --project unit',
    ].join(' && ');
    const r = await execa('chroot', [root, '/bin/sh', '-c', steps], {
      reject: false,
      stdio: ['ignore', 'inherit', 'inherit'],
      env: { PATH: '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin', HOME: '/root', LANG: 'C.UTF-8', CI: 'true', TERM: 'dumb' },
      extendEnv: false,
    });
    log(`${r.exitCode === 0 ? 'passed' : `FAILED (exit ${r.exitCode})`} in ${seconds(started)}${drop ? ` with ${drop} dropped from bin/packages.txt` : ''}`);
    return r.exitCode ?? 1;
  } finally {
    await unmountUnder(root);
    rmSync(work, { recursive: true, force: true });
  }
}

/** An overlay over the cached root, with /proc, /sys, /dev, the controller's node and npm, and this checkout. */
async function assemble(base: string, work: string, root: string, drop: string | undefined): Promise<void> {
  for (const d of ['upper', 'work', 'root']) mkdirSync(join(work, d));
  await sh('mount', ['-t', 'overlay', 'overlay', '-o', `lowerdir=${base},upperdir=${work}/upper,workdir=${work}/work`, root]);
  await sh('mount', ['-t', 'proc', 'proc', join(root, 'proc')]);
  await sh('mount', ['--rbind', '/sys', join(root, 'sys')]);
  await sh('mount', ['--rbind', '/dev', join(root, 'dev')]);
  mkdirSync(APT_CACHE, { recursive: true });
  await sh('mount', ['--bind', APT_CACHE, join(root, 'var/cache/apt/archives')]);
  // the controller's node, as the issue's "node bound in": the binary and npm, read-only
  writeFileSync(join(root, 'usr/bin/node'), '');
  await sh('mount', ['--bind', '-o', 'ro', '/usr/bin/node', join(root, 'usr/bin/node')]);
  mkdirSync(join(root, 'usr/lib/node_modules/npm'), { recursive: true });
  await sh('mount', ['--bind', '-o', 'ro', '/usr/lib/node_modules/npm', join(root, 'usr/lib/node_modules/npm')]);
  symlinkSync('../lib/node_modules/npm/bin/npm-cli.js', join(root, 'usr/bin/npm'));
  symlinkSync('../lib/node_modules/npm/bin/npx-cli.js', join(root, 'usr/bin/npx'));
  // the machine's own settings that a new machine of this kind has too: name resolution, apt sources, npm config
  copyFileSync('/etc/resolv.conf', join(root, 'etc/resolv.conf'));
  // debootstrap's own sources.list gives way to the machine's (which may name the same mirror in deb822 form)
  rmSync(join(root, 'etc/apt/sources.list'), { force: true });
  for (const f of ['/etc/apt/sources.list', '/etc/apt/sources.list.d', '/etc/apt/apt.conf.d']) {
    if (existsSync(f)) cpSync(f, join(root, f), { recursive: true, force: true });
  }
  rmSync(join(root, 'etc/apt/apt.conf.d/docker-clean'), { force: true }); // keep the downloaded .debs in APT_CACHE
  if (existsSync(join(homedir(), '.npmrc'))) copyFileSync(join(homedir(), '.npmrc'), join(root, 'root/.npmrc'));
  const npmCache = join(homedir(), '.npm');
  if (existsSync(npmCache)) {
    mkdirSync(join(root, 'root/.npm'));
    await sh('mount', ['--bind', npmCache, join(root, 'root/.npm')]);
  }
  // this checkout: a clone (history and index, for git ls-files), then the work tree's files over it, uncommitted
  // changes included (not node_modules or dist: setup makes those)
  const dest = join(root, 'root/tsrun');
  await sh('git', ['clone', '-q', REPO, dest]);
  const files = (await execa('git', ['ls-files', '-co', '--exclude-standard', '-z'], { cwd: REPO })).stdout.split('\0').filter((f) => f && existsSync(join(REPO, f)));
  const tar = await execa('tar', ['-C', REPO, '--null', '-T', '-', '-cf', '-'], { input: files.join('\0'), encoding: 'buffer' });
  await execa('tar', ['-C', dest, '-xf', '-'], { input: tar.stdout });
  if (drop) {
    const list = join(dest, 'bin/packages.txt');
    const kept = readFileSync(list, 'utf8').split('\n').filter((l) => l.split(/\s+/)[0] !== drop);
    writeFileSync(list, kept.join('\n'));
  }
  if (!readdirSync(dest).includes('package.json')) throw new Error(`fresh-root: the checkout did not arrive in ${dest}`);
}

process.exitCode = await main(process.argv.slice(2));
