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
  part('init', 'cat /proc/1/comm 2>/dev/null; [ -d /run/systemd/system ] && echo systemd-running; command -v openrc >/dev/null 2>&1 && echo openrc-present'),
  part('pkg', 'for m in apt-get dnf yum zypper apk pacman; do command -v $m >/dev/null 2>&1 && echo $m; done'),
  part('user', 'id -un; id -u; id -g; echo "$HOME"; echo "$SHELL"'),
  part('env', ['HOME', 'PATH', 'SHELL', 'USER', 'LOGNAME', 'LANG', 'PWD'].map((v) => `printf '%s\\n' "${v}=$${v}"`).join('; ')),
  part('end', ''),
].join('\n');
