import type { Command } from 'commander';
import type { Reporter } from '../executor/events';
import type { RunOptions } from '../executor/options';
import type { HostKeyChecking } from '../connection/params';
import { TsrunError } from '../core/errors';
import { loadSettings, type Settings } from './config';
import { askSecret } from './prompt';
import { outputChain, type OutputChoice } from './output-chain';
import { PACKAGE_VERSION } from './version';
import { Stamper } from '../events/stamp';
import { handleInterrupts, interruptSignal, setInterruptible } from './terminal';
import { runSecrets } from '../core/secrets';

export const collect = (value: string, prev: string[]) => [...prev, value];
export const commaList = (values: string[]) => values.flatMap((v) => v.split(',')).map((s) => s.trim()).filter(Boolean);
const positive = (flag: string) => (v: string) => {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1) throw new TsrunError('USAGE', `${flag} takes a positive whole number, not "${v}"`);
  return n;
};

/** The options a run takes, shared by `tsrun playbook`, `tsrun adhoc` and `tsrun drift`. */
export function addRunFlags(cmd: Command): Command {
  return cmd
    .option('-i, --inventory <source>', 'inventory file, directory or comma list (repeatable)', collect, [])
    .option('-C, --check', "don't change anything; predict what would change")
    .option('-D, --diff', 'show differences in files and attributes')
    .option('-l, --limit <pattern>', 'further limit the hosts to a pattern')
    .option('-f, --forks <n>', 'hosts to run in parallel (default 50)', positive('--forks'))
    .option('-e, --extra-vars <vars>', 'extra variables: key=value, JSON, or @file (repeatable)', collect, [])
    .option('--json', 'one JSON object per event on stdout')
    .option('-v, --verbose', 'more output (repeat for more)', (_v, prev: number) => prev + 1, 0)
    .option('-u, --user <name>', 'connect as this user (below inventory variables, as ansible_user)')
    .option('-b, --become', 'run tasks with become (sudo); play and task keywords override it')
    .option('--become-user <name>', 'the user to become (default root)')
    .option('--private-key <file>', 'the SSH private key file (as ansible_ssh_private_key_file)')
    .option('-c, --connection <type>', 'ssh or local (as ansible_connection)')
    .option('-T, --timeout <seconds>', 'bound on connecting and on noticing a host that stopped answering (default 30; as ansible_timeout)', positive('--timeout'))
    .option('--host-key-checking <mode>', "strict | accept-new | off (default: strict, or the host's own setting)")
    .option('--ssh-config <file>', 'OpenSSH client config to read (default ~/.ssh/config)')
    .option('-k, --ask-pass', 'ask for the SSH password')
    .option('-K, --ask-become-pass', 'ask for the become (sudo) password');
}

/** Parsed values of addRunFlags. */
export interface RunFlags {
  inventory: string[];
  check?: boolean;
  diff?: boolean;
  limit?: string;
  forks?: number;
  extraVars: string[];
  json?: boolean;
  verbose: number;
  user?: string;
  become?: boolean;
  becomeUser?: string;
  privateKey?: string;
  connection?: string;
  timeout?: number;
  hostKeyChecking?: string;
  sshConfig?: string;
  askPass?: boolean;
  askBecomePass?: boolean;
}

/** What a command adds to its run's options besides the flags. */
export interface RunExtra {
  tags?: string[];
  skipTags?: string[];
  step?: boolean;
  /** For the run_start event: `playbook`, `adhoc`... and the playbook files. */
  command?: string;
  playbooks?: string[];
  /** Stamps the run's events (its run id); the command keeps it to stamp an error event. */
  stamper?: Stamper;
  output?: Pick<OutputChoice, 'jsonFile' | 'timeline' | 'renderer'>;
}

/** Reads the settings; roles_path goes to the environment, where the role loader reads it (below TSRUN_ROLES_PATH). */
export function applySettings(): Settings {
  const settings = loadSettings();
  if (settings.rolesPath && !process.env.TSRUN_ROLES_PATH && !process.env.ANSIBLE_ROLES_PATH) process.env.TSRUN_ROLES_PATH = settings.rolesPath;
  return settings;
}


const CHECKING: Record<string, HostKeyChecking> = { strict: 'strict', 'accept-new': 'accept-new', off: 'off', yes: 'strict', true: 'strict', no: 'off', false: 'off' };

/**
 * Builds a run's options. One order for every setting: command line > environment (TSRUN_*, then ANSIBLE_*) >
 * configuration file > defaults.
 */
export async function runOptionsFrom(o: RunFlags, extra: RunExtra = {}): Promise<RunOptions & { settings: Settings }> {
  const settings = applySettings();
  handleInterrupts();
  if (o.connection && !['ssh', 'local', 'smart', 'paramiko'].includes(o.connection)) {
    throw new TsrunError('USAGE', `-c ${o.connection}: tsrun connects with ssh or local`);
  }
  if (o.hostKeyChecking && !CHECKING[o.hostKeyChecking]) throw new TsrunError('USAGE', `--host-key-checking ${o.hostKeyChecking}: expected strict, accept-new or off`);
  const hostDefaults = Object.fromEntries(Object.entries({
    ansible_user: o.user ?? settings.remoteUser,
    ansible_ssh_private_key_file: o.privateKey ?? settings.privateKeyFile,
    ansible_connection: o.connection === 'smart' || o.connection === 'paramiko' ? 'ssh' : o.connection,
    ansible_timeout: o.timeout ?? settings.timeout,
    ansible_host_key_checking: settings.hostKeyChecking,
  }).filter(([, v]) => v !== undefined));
  // every channel goes through the mask: results, diffs, warnings, errors, the recap, -v detail
  const reporter: Reporter = await outputChain({ ...extra.output, json: o.json, verbosity: o.verbose, plain: extra.step }, extra.stamper ?? new Stamper());
  setInterruptible(reporter);
  reporter.event({
    type: 'run_start', command: extra.command ?? 'playbook', playbooks: extra.playbooks ?? [], check: Boolean(o.check), diff: Boolean(o.diff),
    verbosity: o.verbose, version: PACKAGE_VERSION,
  });
  // -vvv and more: connections and the commands sent, per host
  const trace = o.verbose >= 3 ? (host: string, level: 3 | 4, text: string) => level <= o.verbose && reporter.event({ type: 'log', level, host, text }) : undefined;
  const askPass = o.askPass ? await askSecret('SSH password: ') : undefined;
  const becomePassword = o.askBecomePass ? await askSecret('BECOME password: ') : undefined;
  runSecrets.add(askPass);
  runSecrets.add(becomePassword);
  const warned = new Set<string>();
  // once per host: a host key that is unknown or changed while checking is off
  const onHostKeyWarning = (message: string) => {
    const host = message.split(':')[0];
    if (warned.has(host)) return;
    warned.add(host);
    reporter.event({ type: 'warning', message });
  };
  return {
    settings,
    inventory: o.inventory.length ? o.inventory : (settings.inventory ?? ['/etc/ansible/hosts']),
    check: Boolean(o.check),
    diff: Boolean(o.diff),
    limit: o.limit,
    forks: o.forks ?? settings.forks ?? 50,
    tags: extra.tags ?? [],
    skipTags: extra.skipTags ?? [],
    // loaded here, not at start-up: it brings the YAML parser, which `tsrun --version` does not need
    extraVars: (await import('./extra-vars')).parseExtraVars(o.extraVars),
    verbosity: o.verbose,
    reporter,
    abort: interruptSignal(),
    secrets: runSecrets,
    hostDefaults,
    become: o.become ?? settings.become,
    becomeUser: o.becomeUser ?? settings.becomeUser,
    connection: {
      hostKeyChecking: o.hostKeyChecking ? CHECKING[o.hostKeyChecking] : undefined, sshConfigFile: o.sshConfig, askPass, becomePassword, onHostKeyWarning, trace,
      askPassphrase: (keyFile: string) => askSecret(`Passphrase for ${keyFile}: `),
    },
  };
}
