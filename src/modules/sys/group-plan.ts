import type { Plan } from '../types';
import { findGroup } from './accounts';
import type { GroupEntry } from '../../core/passwd';
import { arg, argsSchema, optional, type ArgsOf } from '../schema';

/** The group module's arguments, declared once: their type, checks and documentation. */
export const GroupSchema = argsSchema({
  name: arg.str('The group name.'),
  state: arg.choice(['present', 'absent'], 'Whether the group exists.', { default: 'present' }),
  gid: optional(arg.int('The group id.')),
  system: arg.bool('Create a system group (groupadd -r); only when the group is created.', { default: false }),
});

/** Arguments of the group module, after validation. */
export type GroupArgs = ArgsOf<typeof GroupSchema>;

/** Plans the group module from the host's group database: the command to run (as words), or none. Pure. */
export function planGroup(groups: readonly GroupEntry[], args: GroupArgs): Plan<string[]> {
  const g = findGroup(groups, args.name);
  const data: Record<string, unknown> = { name: args.name, state: args.state, system: args.system };
  if (args.state === 'absent') {
    if (!g) return { changed: false, diff: [], msg: 'group is already absent', change: [], data };
    return { changed: true, diff: [{ kind: 'lines', lines: [`group ${args.name}: present -> absent`] }], msg: 'group removed', change: ['groupdel', args.name], data };
  }
  if (!g) {
    const cmd = ['groupadd', ...(args.gid !== undefined ? ['-g', String(args.gid)] : []), ...(args.system ? ['-r'] : []), args.name];
    const lines = [`group ${args.name}: absent -> present${args.gid !== undefined ? ` (gid ${args.gid})` : ''}`];
    return { changed: true, diff: [{ kind: 'lines', lines }], msg: 'group created', change: cmd, data: { ...data, ...(args.gid !== undefined ? { gid: args.gid } : {}) } };
  }
  if (args.gid !== undefined && args.gid !== g.gid) {
    return {
      changed: true, diff: [{ kind: 'lines', lines: [`group ${args.name}: gid ${g.gid} -> ${args.gid}`] }], msg: 'group changed: gid',
      change: ['groupmod', '-g', String(args.gid), args.name], data: { ...data, gid: args.gid },
    };
  }
  return { changed: false, diff: [], msg: 'group is as wanted', change: [], data: { ...data, gid: g.gid } };
}
