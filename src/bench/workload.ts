/** The variables both playbooks get with `-e @vars.json`: the one source of the workload's values. */
export interface WorkloadVars {
  bench_root: string;
  app_port: number;
  app_workers: number;
  app_features: string[];
  motd: string;
  max_conn: number;
}

/** The values the benchmark runs with. */
export const WORKLOAD_VARS: WorkloadVars = {
  bench_root: '/opt/bench',
  app_port: 8080,
  app_workers: 4,
  app_features: ['gzip', 'cache', 'metrics'],
  motd: 'bench host: managed, do not edit',
  max_conn: 100,
};

/** Tasks of the 20 that change something on fresh hosts (all but the two stats and two asserts). */
export const CHANGED_ON_FIRST_RUN = 16;

/** One fact about a converged host, checked by the raw floor. */
export type Check =
  | { kind: 'dir'; path: string; mode: string }
  | { kind: 'file'; path: string; mode?: string; content: string }
  | { kind: 'link'; path: string; target: string }
  | { kind: 'exists'; path: string };

/**
 * What the playbook leaves on a host, written out by hand from the workload: the raw floor checks exactly this,
 * so a floor run after each tool also proves the two playbooks did the same work.
 */
export function expectedState(v: WorkloadVars, host: string, nodes: string[]): Check[] {
  const r = v.bench_root;
  const appConf = [`# managed by bench on ${host}`, `listen ${v.app_port}`, `workers ${v.app_workers}`, ...v.app_features.map((f) => `feature ${f}`)];
  const tuning = ['# BEGIN KERNEL', 'vm.swappiness = 10', 'net.core.somaxconn = 1024', '# END KERNEL', '# BEGIN LIMITS', 'nofile = 65536', '# END LIMITS'];
  const text = (lines: string[]) => lines.map((l) => `${l}\n`).join('');
  return [
    { kind: 'dir', path: r, mode: '755' },
    { kind: 'dir', path: `${r}/conf`, mode: '750' },
    { kind: 'dir', path: `${r}/data`, mode: '755' },
    { kind: 'dir', path: `${r}/releases/v1`, mode: '755' },
    { kind: 'file', path: `${r}/conf/app.env`, mode: '644', content: text(['APP_NAME=bench', `APP_PORT=${v.app_port}`]) },
    { kind: 'file', path: `${r}/motd`, mode: '644', content: text([v.motd]) },
    { kind: 'file', path: `${r}/releases/v1/VERSION`, mode: '444', content: text(['v1']) },
    { kind: 'file', path: `${r}/conf/app.conf`, mode: '640', content: text(appConf) },
    { kind: 'file', path: `${r}/conf/peers`, mode: '644', content: text(nodes.map((n) => `peer ${n}`)) },
    { kind: 'file', path: `${r}/conf/limits`, content: text(['LOG_LEVEL=info', `MAX_CONN=${v.max_conn}`]) },
    { kind: 'file', path: `${r}/conf/tuning`, content: text(tuning) },
    { kind: 'link', path: `${r}/current`, target: `${r}/releases/v1` },
    { kind: 'exists', path: `${r}/data/initialised` },
    { kind: 'exists', path: `${r}/data/app.conf.orig` },
  ];
}
