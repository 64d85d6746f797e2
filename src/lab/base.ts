import { existsSync, readdirSync, readFileSync, rmSync, renameSync, mkdirSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { execa } from 'execa';
import { TsrunError } from '../core/errors';
import { sh, sleep, unmountUnder, type Log } from './sys';

/** Where the debootstrapped root filesystem every host overlays is cached. */
export const BASE_DIR = '/var/cache/tsrun/base-bookworm';
/** Bumped when the customisation below changes, so a cached base is brought up to date. */
const BASE_VERSION = '3';
export const MARKER = '.tsrun-base';
const INCLUDE = 'openssh-server,sudo,iproute2,procps,ca-certificates,systemd,systemd-sysv,dbus,curl';
/** A lock older than this belongs to a build that died. */
const LOCK_STALE_MS = 10 * 60_000;
const FALLBACK_MIRROR = 'http://deb.debian.org/debian';

/** The Debian mirror from this machine's own apt sources (deb822 or one-line), for bookworm's main archive. */
export function aptMirror(root = '/etc/apt'): string {
  const files = [join(root, 'sources.list')];
  const dir = join(root, 'sources.list.d');
  if (existsSync(dir)) files.push(...readdirSync(dir).filter((f) => /\.(list|sources)$/.test(f)).map((f) => join(dir, f)));
  for (const file of files) {
    if (!existsSync(file)) continue;
    const text = readFileSync(file, 'utf8');
    for (const uri of mirrorsIn(text)) return uri.replace(/\/+$/, '');
  }
  return FALLBACK_MIRROR;
}

/** Debian archive URIs in a sources file that carry bookworm (not -security) packages. */
export function mirrorsIn(text: string): string[] {
  const found: string[] = [];
  for (const stanza of text.split(/\n\s*\n/)) {
    const uris = /^URIs:\s*(.+)$/im.exec(stanza);
    const suites = /^Suites:\s*(.+)$/im.exec(stanza);
    if (uris && suites && /\bbookworm(\s|$)/.test(suites[1])) found.push(...uris[1].trim().split(/\s+/));
  }
  for (const line of text.split('\n')) {
    const m = /^deb\s+(?:\[[^\]]*\]\s+)?(\S+)\s+bookworm\s/.exec(line.trim());
    if (m) found.push(m[1]);
  }
  return found.filter((u) => /^https?:\/\//.test(u) && !/security/.test(u));
}

/** Shell run inside the base once: sshd with per-host keys and the lab's key file, test users, a blank machine-id. */
const CUSTOMISE = `set -e
systemctl enable ssh >/dev/null 2>&1
rm -f /etc/ssh/ssh_host_*
cat > /etc/ssh/sshd_config.d/tsrun-lab.conf <<'CONF'
HostKey /etc/ssh/ssh_host_ed25519_key
AuthorizedKeysFile .ssh/authorized_keys /etc/ssh/lab_authorized_keys
PermitRootLogin prohibit-password
UseDNS no
MaxSessions 100
MaxStartups 200:30:400
CONF
id tsrun >/dev/null 2>&1 || useradd -m -s /bin/bash -G sudo tsrun
echo tsrun:tsrun | chpasswd
id nopass >/dev/null 2>&1 || useradd -m -s /bin/bash nopass
usermod -p '*' nopass
echo 'nopass ALL=(ALL) NOPASSWD: ALL' > /etc/sudoers.d/nopass
chmod 0440 /etc/sudoers.d/nopass
: > /etc/machine-id
systemctl mask systemd-networkd-wait-online.service systemd-timesyncd.service apt-daily.timer apt-daily-upgrade.timer e2scrub_all.timer fstrim.timer >/dev/null 2>&1 || true
apt-get clean
echo ${BASE_VERSION} > /${MARKER}
`;

/** A cached debootstrap root: where it lives, what goes in, and the shell that finishes it (run inside, once). */
export interface RootSpec {
  dir: string;
  /** `--include` packages; none for a bare minbase. */
  include?: string;
  /** Shell run in the root with chroot after debootstrap; it must end by writing `version` into /.tsrun-base. */
  customise: string;
  version: string;
}

/** The lab hosts' base: sshd with per-host keys and the lab's key file, test users, a blank machine-id. */
const LAB_BASE: RootSpec = { dir: BASE_DIR, include: INCLUDE, customise: CUSTOMISE, version: BASE_VERSION };

/** Builds the base root filesystem once (debootstrap, ~40 s) and brings a cached one up to date; returns its path. */
export async function ensureBase(log: Log, dir = BASE_DIR): Promise<string> {
  return ensureRoot(log, { ...LAB_BASE, dir });
}

/** Builds a cached debootstrap root once, under a lock so that two builds never share a directory; returns its path. */
export async function ensureRoot(log: Log, spec: RootSpec): Promise<string> {
  const { dir } = spec;
  if (current(spec)) return dir;
  // Two labs coming up at once on a fresh machine must not debootstrap into the same directory.
  const lock = `${dir}.lock`;
  mkdirSync(dirname(dir), { recursive: true });
  for (;;) {
    try {
      mkdirSync(lock);
      break;
    } catch {
      if (Date.now() - statSync(lock, { throwIfNoEntry: false })!.mtimeMs > LOCK_STALE_MS) rmSync(lock, { recursive: true, force: true });
      else await sleep(1000);
      if (current(spec)) return dir;
    }
  }
  try {
    return await build(log, spec);
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}

function current(spec: RootSpec): boolean {
  const marker = join(spec.dir, MARKER);
  return existsSync(marker) && readFileSync(marker, 'utf8').trim() === spec.version;
}

async function build(log: Log, spec: RootSpec): Promise<string> {
  const { dir } = spec;
  const marker = join(dir, MARKER);
  if (!existsSync(marker)) {
    const tmp = `${dir}.tmp`;
    await unmountUnder(tmp);
    rmSync(tmp, { recursive: true, force: true });
    mkdirSync(tmp, { recursive: true });
    const mirror = aptMirror();
    log(`lab: building ${dir} with debootstrap from ${mirror} (once, about a minute)`);
    const include = spec.include ? [`--include=${spec.include}`] : [];
    const r = await execa('debootstrap', ['--variant=minbase', ...include, 'bookworm', tmp, mirror], { reject: false, all: true });
    if (r.exitCode !== 0) {
      throw new TsrunError('INTERNAL', `lab: debootstrap failed: ${String(r.all).trim().split('\n').slice(-5).join('\n')}`, {
        expected: `the Debian mirror ${mirror} to be reachable from this machine`,
      });
    }
    await customise(tmp, spec.customise);
    renameSync(tmp, dir);
    return dir;
  }
  log(`lab: updating the cached root filesystem ${dir}`);
  await customise(dir, spec.customise);
  return dir;
}

async function customise(root: string, script: string): Promise<void> {
  writeFileSync(join(root, 'tmp/tsrun-customise.sh'), script);
  await sh('chroot', [root, '/bin/sh', '/tmp/tsrun-customise.sh']);
  rmSync(join(root, 'tmp/tsrun-customise.sh'));
}
