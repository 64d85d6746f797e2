import { quote } from '../connection/shell';
import { TsrunError } from '../core/errors';
import { parseAptState, aptReadScript, type AptState } from './sys/apt-state';
import { planApt, splitSpec, type AptChange, type AptPlanArgs } from './sys/apt-plan';
import { hostExec, reason } from './sys/exec';
import { stateModule, type ModuleContext, type ModuleResult } from './types';
import { overlayPackages, predictPackages } from '../predict/system';
import { arg, argsSchema, optional, type ArgsOf } from './schema';

type AptArgs = ArgsOf<typeof Args>;

const NAME = /^[a-z0-9][a-z0-9+.:-]*(=[A-Za-z0-9.+~:*-]+)?$/;
const ENV = { DEBIAN_FRONTEND: 'noninteractive', LC_ALL: 'C' };
const APT_GET = 'apt-get -y -q -o DPkg::Lock::Timeout=120 -o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold';

/** The apt-get command line that applies a plan. Pure, for tests. */
export function aptCommand(change: AptChange, args: Pick<AptArgs, 'purge' | 'install_recommends' | 'autoremove' | 'default_release'>): string {
  const steps: string[] = [];
  const auto = args.autoremove ? ' --auto-remove' : '';
  if (change.install.length) {
    const rec = args.install_recommends === undefined ? '' : args.install_recommends ? ' -o APT::Install-Recommends=true' : ' --no-install-recommends';
    const rel = args.default_release ? ` -t ${quote(args.default_release)}` : '';
    steps.push(`${APT_GET}${rec}${rel}${auto} install ${change.install.map(quote).join(' ')}`);
  }
  if (change.remove.length) steps.push(`${APT_GET}${auto} ${args.purge ? 'purge' : 'remove'} ${change.remove.map(quote).join(' ')}`);
  return steps.join(' && ');
}

/** What apt reads: the named packages' state and whether the cache is older than asked, or why it could not. */
interface AptRead {
  names: string[];
  stale: boolean;
  st?: AptState;
  error?: string;
}

/** The arguments the package plan depends on; `installed`/`removed` are the older names of present/absent. */
function packageArgs(args: AptArgs): AptPlanArgs {
  const state = args.state === 'installed' ? 'present' : args.state === 'removed' ? 'absent' : args.state;
  return { name: args.name ?? [], state, purge: args.purge };
}

/** Reads the package state, or says why it could not. */
async function readState(ctx: ModuleContext, names: string[]): Promise<AptState | string> {
  const r = await hostExec(ctx, aptReadScript(names), { env: ENV });
  if (!r.stdout.includes('@cache')) return `apt: could not read package state on ${ctx.conn.host}: ${reason(r)}`;
  return parseAptState(names, r.stdout);
}

/** The arguments, declared once: their type, checks and documentation. */
const Args = argsSchema({
  name: optional(arg.list('Package names, optionally `name=version`.', { aliases: ['pkg', 'package', 'names'] })),
  state: arg.choice(['present', 'absent', 'latest', 'installed', 'removed'], 'Whether the packages are installed, at the newest candidate version, or removed.', { default: 'present' }),
  update_cache: arg.bool('Run apt-get update first (only when the cache is older than cache_valid_time).', { default: false, aliases: ['update-cache'] }),
  cache_valid_time: arg.int('Seconds the apt cache stays valid; setting it implies update_cache.', { default: 0 }),
  purge: arg.bool('With state=absent, also remove configuration files.', { default: false }),
  install_recommends: optional(arg.bool("Install recommended packages (default: apt's own setting).", { aliases: ['install-recommends'] })),
  autoremove: arg.bool('Also remove dependencies nobody needs any more.', { default: false }),
  default_release: optional(arg.str('Install from this release (apt-get -t), e.g. bookworm-backports.', { aliases: ['default-release'] })),
});

/** Manages Debian/Ubuntu packages with apt-get, reading all named packages' state in one round trip. */
export const apt = stateModule<AptArgs, AptRead, AptChange>({
  name: 'apt',
  returns: {
    cache_updated: { type: 'bool', returned: 'always', description: 'Whether the package lists were updated (update_cache).', sample: true },
    cache_update_time: { type: 'int', returned: 'when the cache was updated', description: 'When, in seconds since the epoch.', sample: 1764583200 },
    stdout: { type: 'str', returned: 'when apt-get ran', description: "apt-get's output.", sample: 'Setting up nginx ...' },
    stderr: { type: 'str', returned: 'when apt-get ran', description: "apt-get's error output.", sample: '' },
    rc: { type: 'int', returned: 'when apt-get ran', description: "apt-get's exit status.", sample: 0 },
  },
  summary: 'Manage apt packages (Debian, Ubuntu)',
  description:
    'Installs, upgrades or removes packages with apt-get (DEBIAN_FRONTEND=noninteractive, keeping changed config files). ' +
    'Names may pin a version (`nginx=1.22.1-9`, or a prefix such as `nginx=1.22*`). The state of every named package ' +
    'is read in one dpkg-query/apt-cache call; check mode predicts the change from it. Proxy variables come from the task environment.',
  examples: '- apt:\n    name: [nginx, curl]\n    update_cache: yes\n    cache_valid_time: 3600\n- apt: name=sl state=absent purge=yes',
  schema: Args,
  async read(ctx, args) {
    const specs = args.name ?? [];
    const bad = specs.find((s) => !NAME.test(s));
    if (bad !== undefined) throw new TsrunError('SCHEMA', `apt: invalid package name "${bad}"`, { expected: 'a Debian package name, optionally name=version' });
    const wantUpdate = args.update_cache || args.cache_valid_time > 0;
    const names = specs.map((s) => splitSpec(s).name);
    const st = names.length || wantUpdate ? await readState(ctx, names) : { pkgs: {} };
    if (typeof st === 'string') return { names, stale: false, error: st };
    const stale = wantUpdate && (args.cache_valid_time === 0 || st.cacheAge === undefined || st.cacheAge > args.cache_valid_time);
    if (ctx.observe && names.length) for (const [n, p] of Object.entries(st.pkgs)) if (!ctx.model?.packages.has(n)) ctx.observe(`pkg:${n}`, `${p.status} ${p.version ?? ''}`.trim());
    return { names, stale, st: ctx.model && names.length ? overlayPackages(ctx.model, st) : st };
  },
  plan(r, args) {
    const data = { cache_updated: false };
    if (!r.st) return { changed: false, failed: true, diff: [], msg: r.error, data };
    if (!r.names.length) return { changed: r.stale, diff: [], msg: r.stale ? 'apt cache would be updated' : 'apt cache is fresh', data };
    // a stale cache is updated first, by apply, which then plans again on what the update made available
    const p = planApt(r.st, packageArgs(args), r.stale ? 'would' : 'none');
    return { ...p, data, failed: p.change!.unavailable.length > 0, pending: r.stale };
  },
  predict(model, _args, plan) {
    if (plan.change) predictPackages(model, plan.change);
  },
  async apply(ctx, args, plan, r) {
    const data: Record<string, unknown> = { cache_updated: false };
    if (r.stale) {
      const u = await hostExec(ctx, 'apt-get update -q', { env: ENV });
      if (u.rc !== 0) return { result: { changed: false, failed: true, msg: `Failed to update apt cache: ${reason(u)}`, data } };
      data.cache_updated = true;
      data.cache_update_time = Math.floor(Date.now() / 1000);
      if (!r.names.length) return { result: { changed: true, msg: 'apt cache updated', data } };
      const st = await readState(ctx, r.names);
      if (typeof st === 'string') return { result: { changed: false, failed: true, msg: st, data } };
      plan = planApt(st, packageArgs(args), 'done');
    }
    const result: ModuleResult = { changed: plan.changed, diff: plan.diff, msg: plan.msg, data };
    if (plan.change!.unavailable.length) return { result: { ...result, changed: false, failed: true } };
    if (!plan.changed) return { result };
    const x = await hostExec(ctx, aptCommand(plan.change!, args), { env: ENV });
    Object.assign(data, { stdout: x.stdout, stderr: x.stderr, rc: x.rc });
    if (x.rc !== 0) return { result: { ...result, failed: true, msg: `apt-get failed: ${reason(x).split('\n').slice(-3).join(' ')}` } };
    return { result };
  },
});
