import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { measure, type Measured } from './measure';
import { ansibleRecap, tsrunRecap, type HostCounts } from './recap';
import { PLAYBOOKS, REPO_ROOT } from './paths';

/** The controllers compared: tsrun, plain Ansible, and Ansible with Mitogen's `mitogen_linear` strategy. */
export type Tool = 'tsrun' | 'ansible' | 'mitogen';

/** What a tool run needs: the lab inventory, the workload variables file, forks and a scratch directory. */
export interface ToolSetup {
  inventory: string;
  varsFile: string;
  forks: number;
  /** Short path: Ansible's ControlPath sockets live under it. */
  scratch: string;
}

/** A timed run with its recap. */
export interface ToolRun extends Measured {
  recap: Record<string, HostCounts>;
}

const TSRUN_BIN = join(REPO_ROOT, 'bin/tsrun.js');

/**
 * Ansible as the benchmark promises to run it: forks at least the host count, pipelining and ControlPersist on,
 * no fact gathering, python3 on the hosts named so no interpreter discovery runs.
 */
export function ansibleConfig(forks: number, scratch: string): string {
  return [
    '[defaults]',
    `forks = ${forks}`,
    'gathering = explicit',
    'host_key_checking = True',
    'interpreter_python = /usr/bin/python3',
    'retry_files_enabled = False',
    `local_tmp = ${join(scratch, 'ansible-local')}`,
    'nocolor = True',
    '',
    '[ssh_connection]',
    'pipelining = True',
    'ssh_args = -o ControlMaster=auto -o ControlPersist=60s',
    `control_path_dir = ${join(scratch, 'cp')}`,
    '',
  ].join('\n');
}

/** Runs one tool's playbook on the lab once, timed, with `--check` when asked. */
export async function runTool(tool: Tool, setup: ToolSetup, check: boolean): Promise<ToolRun> {
  const flags = ['-i', setup.inventory, '--forks', String(setup.forks), '-e', `@${setup.varsFile}`, ...(check ? ['--check'] : [])];
  if (tool === 'tsrun') {
    const m = await measure(process.execPath, [TSRUN_BIN, 'playbook', PLAYBOOKS.tsrun, ...flags, '--json'], { cwd: REPO_ROOT });
    return { ...m, recap: tsrunRecap(m.stdout) };
  }
  const cfg = join(setup.scratch, 'ansible.cfg');
  mkdirSync(join(setup.scratch, 'cp'), { recursive: true });
  writeFileSync(cfg, ansibleConfig(setup.forks, setup.scratch));
  // Debian's ansible-mitogen installs the strategy among Ansible's own plugins, so naming it is enough
  const strategy = tool === 'mitogen' ? { ANSIBLE_STRATEGY: 'mitogen_linear' } : {};
  const env = { ...process.env, ANSIBLE_CONFIG: cfg, ANSIBLE_FORCE_COLOR: '0', PYTHONUNBUFFERED: '1', ...strategy };
  const m = await measure('ansible-playbook', [PLAYBOOKS.ansible, ...flags], { env, cwd: REPO_ROOT });
  return { ...m, recap: ansibleRecap(m.stdout) };
}

/** Loads tsrun once, untimed, so the first timed run does not pay for transpiling a fresh clone's sources. */
export async function warmUp(): Promise<void> {
  await execa(process.execPath, [TSRUN_BIN, 'doc', 'file'], { cwd: REPO_ROOT });
}

/** Ends the ControlPersist masters Ansible left in the scratch directory, by their sockets. */
export async function closeAnsibleMasters(scratch: string): Promise<void> {
  let sockets: string[] = [];
  try {
    sockets = readdirSync(join(scratch, 'cp'));
  } catch {
    return;
  }
  await Promise.all(sockets.map((s) => execa('ssh', ['-o', `ControlPath=${join(scratch, 'cp', s)}`, '-O', 'exit', 'bench-master'], { reject: false })));
}
