/** Marks the start of each section in the facts script's output. */
export const SECTION = '@@tsrun-facts:';

const part = (name: string, body: string) => `echo '${SECTION}${name}'\n${body}`;

/** One POSIX sh script that prints everything facts need, section by section; every probe tolerates a missing tool. */
export const FACTS_SCRIPT = [
  'export LC_ALL=C',
  part('os', 'cat /etc/os-release 2>/dev/null || cat /usr/lib/os-release 2>/dev/null'),
  part('debian_version', 'cat /etc/debian_version 2>/dev/null'),
  part('uname', 'uname -s; uname -r; uname -m; uname -n'),
  part('hostname', 'hostname 2>/dev/null || cat /etc/hostname 2>/dev/null; hostname -f 2>/dev/null || hostname 2>/dev/null'),
  part('meminfo', "grep -E '^(MemTotal|MemFree|SwapTotal):' /proc/meminfo 2>/dev/null"),
  part('cpu', "grep -c '^processor' /proc/cpuinfo 2>/dev/null || nproc 2>/dev/null; grep '^physical id' /proc/cpuinfo 2>/dev/null | sort -u | wc -l"),
  part('route', 'ip -4 route show default 2>/dev/null'),
  part('addr', 'ip -o addr 2>/dev/null'),
  part('hostname_i', 'command -v ip >/dev/null 2>&1 || hostname -I 2>/dev/null'),
  // Python's socket.getfqdn(), which Ansible's ansible_fqdn is: the host name's first address, looked up in reverse
  part('fqdn', 'if command -v getent >/dev/null 2>&1; then a=$(getent ahosts "$(hostname)" 2>/dev/null | head -n 1 | cut -d " " -f 1); [ -n "$a" ] && getent hosts "$a"; else echo "- $(hostname -f 2>/dev/null)"; fi'),
  // Ansible's service_mgr probes, in its order: PID 1's name, then (when that is init or a shell) the boot markers
  part('init', [
    'cat /proc/1/comm 2>/dev/null || readlink /sbin/init 2>/dev/null',
    'if command -v systemctl >/dev/null 2>&1; then for d in /run/systemd/system /dev/.run/systemd /dev/.systemd; do [ -e $d ] && echo systemd-running && break; done; [ -L /sbin/init ] && case "$(readlink -f /sbin/init)" in */systemd) echo systemd-offline;; esac; fi',
    'command -v initctl >/dev/null 2>&1 && [ -e /etc/init ] && echo upstart-present',
    '[ -e /sbin/openrc ] && echo openrc-present',
    '[ -e /etc/init.d ] && echo sysvinit-present',
  ].join('; ')),
  part('pkg', 'for m in apt-get dnf yum zypper apk pacman; do command -v $m >/dev/null 2>&1 && echo $m; done'),
  part('user', 'id -un; id -u; id -g; echo "$HOME"; echo "$SHELL"'),
  part('env', ['HOME', 'PATH', 'SHELL', 'USER', 'LOGNAME', 'LANG', 'PWD'].map((v) => `printf '%s\\n' "${v}=$${v}"`).join('; ')),
  part('end', ''),
].join('\n');
