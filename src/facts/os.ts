/** Ansible's ansible_distribution names, by os-release ID. */
const DISTRIBUTIONS: Record<string, string> = {
  debian: 'Debian', ubuntu: 'Ubuntu', raspbian: 'Debian', linuxmint: 'Linux Mint', kali: 'Kali', devuan: 'Devuan', pop: 'Pop!_OS',
  centos: 'CentOS', rhel: 'RedHat', fedora: 'Fedora', rocky: 'Rocky', almalinux: 'AlmaLinux', ol: 'OracleLinux', amzn: 'Amazon',
  alpine: 'Alpine', arch: 'Archlinux', manjaro: 'Archlinux', opensuse: 'openSUSE', 'opensuse-leap': 'openSUSE Leap', sles: 'SLES', gentoo: 'Gentoo',
};

/** Ansible's ansible_os_family, by os-release ID or ID_LIKE word. */
const FAMILIES: Record<string, string> = {
  debian: 'Debian', ubuntu: 'Debian', raspbian: 'Debian', linuxmint: 'Debian', kali: 'Debian', devuan: 'Debian', pop: 'Debian',
  rhel: 'RedHat', centos: 'RedHat', fedora: 'RedHat', rocky: 'RedHat', almalinux: 'RedHat', ol: 'RedHat', amzn: 'RedHat',
  alpine: 'Alpine', arch: 'Archlinux', manjaro: 'Archlinux', suse: 'Suse', opensuse: 'Suse', 'opensuse-leap': 'Suse', sles: 'Suse', gentoo: 'Gentoo',
};

/** Parses os-release's KEY=value lines, removing quotes. */
export function parseOsRelease(lines: string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of lines) {
    const m = /^([A-Z_]+)=(.*)$/.exec(line.trim());
    if (m) out[m[1]] = m[2].replace(/^(["'])(.*)\1$/, '$2');
  }
  return out;
}

/** The distribution facts Ansible derives from os-release (and /etc/debian_version, whose point release Debian reports). */
export function distributionFacts(os: Record<string, string>, debianVersion: string): Record<string, string> {
  const id = (os.ID ?? '').toLowerCase();
  const like = (os.ID_LIKE ?? '').toLowerCase().split(/\s+/);
  const family = FAMILIES[id] ?? like.map((w) => FAMILIES[w]).find(Boolean) ?? (os.NAME?.split(' ')[0] || 'unknown');
  let version = os.VERSION_ID ?? '';
  if (id === 'debian' && /^\d+(\.\d+)*$/.test(debianVersion)) version = debianVersion;
  const release = os.VERSION_CODENAME || os.UBUNTU_CODENAME || (/\(([^)]+)\)/.exec(os.VERSION ?? '')?.[1] ?? '');
  return {
    ansible_distribution: DISTRIBUTIONS[id] ?? (os.NAME?.split(' ')[0] || 'unknown'),
    ansible_os_family: family,
    ansible_distribution_version: version,
    ansible_distribution_major_version: version.split('.')[0] ?? '',
    ansible_distribution_release: release,
  };
}
