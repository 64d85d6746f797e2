import { distributionFacts, parseOsRelease } from './os';
import { SECTION } from './script';

type Sections = Record<string, string[]>;

function sections(out: string): Sections {
  const res: Sections = {};
  let cur = '';
  for (const line of out.split('\n')) {
    if (line.startsWith(SECTION)) res[(cur = line.slice(SECTION.length).trim())] = [];
    else if (cur && line.trim() !== '') res[cur].push(line);
  }
  return res;
}

interface Addr {
  iface: string;
  family: 'inet' | 'inet6';
  address: string;
  prefix: number;
  broadcast?: string;
}

/** Parses `ip -o addr` lines: "4: eth0    inet 192.0.2.2/24 brd 192.0.2.255 scope global eth0\ ...". */
export function parseIpAddr(lines: string[]): Addr[] {
  const out: Addr[] = [];
  for (const line of lines) {
    const m = /^\d+:\s+(\S+?)(?:@\S+)?\s+(inet6?)\s+([0-9a-fA-F.:]+)\/(\d+)(?:\s+brd\s+(\S+))?/.exec(line);
    if (m) out.push({ iface: m[1], family: m[2] as Addr['family'], address: m[3], prefix: Number(m[4]), broadcast: m[5] });
  }
  return out;
}

function ipv4Network(address: string, prefix: number): { netmask: string; network: string } {
  const toInt = (a: string) => a.split('.').reduce((n, o) => (n << 8) + Number(o), 0) >>> 0;
  const toStr = (n: number) => [24, 16, 8, 0].map((s) => (n >>> s) & 255).join('.');
  const mask = prefix === 0 ? 0 : (0xffffffff << (32 - prefix)) >>> 0;
  return { netmask: toStr(mask), network: toStr((toInt(address) & mask) >>> 0) };
}

const INIT_MARKERS = ['systemd-running', 'upstart-present', 'openrc-present', 'systemd-offline', 'sysvinit-present'];
/** Ansible's names for some PID 1 programs; any other PID 1 (tini, process_api, systemd) is named as it is. */
const PROC1_NAMES: Record<string, string> = { procd: 'openwrt_init', 'runit-init': 'runit', svscan: 'svc', 'openrc-init': 'openrc' };

/** ansible_service_mgr as Ansible decides it: PID 1's name unless that is `init` or a shell, then the boot markers. */
function serviceMgr(init: string[]): string {
  const comm = (init.find((l) => !INIT_MARKERS.includes(l.trim())) ?? '').trim().split('/').pop() ?? '';
  if (comm && comm !== 'init' && !comm.endsWith('sh')) return PROC1_NAMES[comm] ?? comm;
  const found = INIT_MARKERS.find((m) => init.some((l) => l.trim() === m));
  return found ? found.replace(/-(running|present|offline)$/, '') : 'service';
}

/** Python's getfqdn over `getent hosts ADDR` ("ADDR NAME ALIASES..."): the first name with a dot, else the name. */
function fqdnOf(lines: string[] | undefined): string | undefined {
  const names = (lines?.[0] ?? '').trim().split(/\s+/).slice(1).filter(Boolean);
  return names.find((n) => n.includes('.')) ?? names[0];
}

function networkFacts(sec: Sections): Record<string, unknown> {
  const addrs = parseIpAddr(sec.addr ?? []).filter((a) => a.iface !== 'lo');
  let v4 = addrs.filter((a) => a.family === 'inet').map((a) => a.address);
  let v6 = addrs.filter((a) => a.family === 'inet6').map((a) => a.address);
  if (!sec.addr?.length && sec.hostname_i?.length) {
    const words = sec.hostname_i.join(' ').split(/\s+/).filter(Boolean);
    v4 = words.filter((w) => !w.includes(':'));
    v6 = words.filter((w) => w.includes(':'));
  }
  const route = /default via (\S+) dev (\S+)/.exec(sec.route?.[0] ?? '') ?? /default dev (\S+)/.exec(sec.route?.[0] ?? '');
  let def: Record<string, unknown> = {};
  if (route) {
    const [gateway, iface] = route.length === 3 ? [route[1], route[2]] : [undefined, route[1]];
    const a = addrs.find((x) => x.iface === iface && x.family === 'inet');
    def = { interface: iface, gateway, ...(a ? { address: a.address, prefix: String(a.prefix), broadcast: a.broadcast, ...ipv4Network(a.address, a.prefix) } : {}) };
  }
  return { ansible_default_ipv4: def, ansible_all_ipv4_addresses: v4, ansible_all_ipv6_addresses: v6, ansible_interfaces: [...new Set(parseIpAddr(sec.addr ?? []).map((a) => a.iface))] };
}

/** Turns the facts script's output into Ansible-named facts: a pure function, tested with captured outputs. */
export function parseFacts(out: string): Record<string, unknown> {
  const sec = sections(out);
  const [system, kernel, arch, nodename] = sec.uname ?? [];
  const [host, hostnameF] = sec.hostname ?? [];
  const fqdn = fqdnOf(sec.fqdn) ?? hostnameF;
  const mem = Object.fromEntries((sec.meminfo ?? []).map((l) => /^(\w+):\s+(\d+)/.exec(l)).filter((m) => m !== null).map((m) => [m[1], Math.floor(Number(m[2]) / 1024)]));
  const [vcpus, sockets] = (sec.cpu ?? []).map(Number);
  const [user, uid, gid, home, shell] = sec.user ?? [];
  const pkg = sec.pkg?.[0];
  const env = Object.fromEntries((sec.env ?? []).map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]).filter(([, v]) => v !== ''));
  return {
    ...distributionFacts(parseOsRelease(sec.os ?? []), (sec.debian_version?.[0] ?? '').trim()),
    ansible_system: system ?? 'Linux',
    ansible_kernel: kernel ?? '',
    ansible_architecture: arch ?? '',
    ansible_machine: arch ?? '',
    ansible_nodename: nodename ?? host ?? '',
    ansible_hostname: (host ?? nodename ?? '').split('.')[0],
    ansible_fqdn: fqdn ?? host ?? '',
    ansible_domain: (fqdn ?? '').includes('.') ? fqdn.slice(fqdn.indexOf('.') + 1) : '',
    ansible_memtotal_mb: mem.MemTotal ?? 0,
    ansible_memfree_mb: mem.MemFree ?? 0,
    ansible_swaptotal_mb: mem.SwapTotal ?? 0,
    ansible_processor_vcpus: vcpus || 1,
    ansible_processor_count: sockets || 1,
    ...networkFacts(sec),
    ansible_service_mgr: serviceMgr(sec.init ?? []),
    ansible_pkg_mgr: pkg === 'apt-get' ? 'apt' : (pkg ?? 'unknown'),
    ansible_user_id: user ?? '',
    ansible_user_uid: Number(uid),
    ansible_user_gid: Number(gid),
    ansible_user_dir: home ?? '',
    ansible_user_shell: shell ?? '',
    ansible_env: env,
  };
}
