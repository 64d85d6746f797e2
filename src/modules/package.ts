import { apt } from './apt';
import { validateArgs } from './args';
import { hostExec } from './sys/exec';
import { defineModule, type Module, type ModuleContext } from './types';
import { arg, argsSchema } from './schema';

/** The package managers tsrun can drive, by the name Ansible's ansible_pkg_mgr fact uses. */
const managers: Record<string, Module<never>> = { apt: apt as unknown as Module<never> };

/** Detects the host's package manager, preferring the gathered fact, in one round trip otherwise. */
async function detect(ctx: ModuleContext): Promise<string> {
  const fact = ctx.vars.ansible_pkg_mgr;
  if (typeof fact === 'string' && fact !== 'unknown') return fact;
  const r = await hostExec(ctx, 'for m in apt-get dnf yum zypper apk pacman; do command -v $m >/dev/null 2>&1 && { echo $m; exit 0; }; done; echo unknown');
  const found = r.stdout.trim();
  return found === 'apt-get' ? 'apt' : found;
}

/** The arguments, declared once: their type, checks and documentation. */
const Args = argsSchema({
  name: arg.list('Package names.', { aliases: ['pkg', 'names'] }),
  state: arg.choice(['present', 'absent', 'latest', 'installed', 'removed'], 'Whether the packages are installed, latest or removed.', { default: 'present' }),
  use: arg.str('The package manager module to use (auto detects it).', { default: 'auto' }),
});

/** Installs or removes packages with the host's own package manager (apt on Debian-family hosts). */
export const pkg = defineModule(Args, {
  name: 'package',
  returns: apt.returns,
  summary: "Manage packages with the host's package manager",
  description: 'A generic front end: hands name and state to the module for the host\'s package manager (ansible_pkg_mgr, detected when facts were not gathered). Only apt is supported so far.',
  examples: '- package:\n    name: [git, curl]\n    state: present',
  async run(ctx, args) {
    const mgr = args.use === 'auto' ? await detect(ctx) : args.use;
    const target = managers[mgr];
    if (!target) {
      return { changed: false, failed: true, msg: `package: ${ctx.conn.host} uses the package manager "${mgr}", which tsrun does not support yet (supported: ${Object.keys(managers).join(', ')})` };
    }
    const sub = validateArgs(target.args, { name: args.name, state: args.state }, { module: `package (${mgr})` });
    return (target as unknown as Module).run(ctx, sub);
  },
});
