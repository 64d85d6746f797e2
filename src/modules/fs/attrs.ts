import { quote } from '../../connection/shell';
import { resolveMode } from './mode';
import type { FileState } from './probe';
import { arg, optional, type PropsOf } from '../schema';

/** The mode/owner/group arguments that every file module takes. */
export type AttrArgs = PropsOf<typeof attrSpec>;

/** The argument declarations of mode, owner and group, shared by every file module. */
export const attrSpec = {
  mode: optional(arg.mode("Permissions: octal such as 0644 or '0644', or symbolic such as u+rwx,go-w.")),
  owner: optional(arg.str('User that should own the file (name or numeric id).')),
  group: optional(arg.str('Group that should own the file (name or numeric id).')),
};

/** The attribute changes apply must make: only the ones that differ are set. */
export interface AttrChange {
  mode?: string;
  owner?: string;
  group?: string;
}

function sameId(want: string, name: string | undefined, id: number | undefined): boolean {
  return /^\d+$/.test(want) ? Number(want) === id : want === name;
}

/**
 * Compares the wanted attributes with an existing file's; returns what differs and readable diff lines.
 * For a file that does not exist yet, everything asked for is a change.
 */
export function planAttrs(state: FileState, args: AttrArgs, isDir: boolean): { change: AttrChange; lines: string[] } {
  const change: AttrChange = {};
  const lines: string[] = [];
  if (args.mode !== undefined) {
    const want = resolveMode(args.mode, state.exists ? state.mode : undefined, isDir);
    if (!state.exists || want !== state.mode) {
      change.mode = want;
      if (state.exists) lines.push(`mode: ${state.mode} -> ${want}`);
    }
  }
  if (args.owner !== undefined && !(state.exists && sameId(args.owner, state.owner, state.uid))) {
    change.owner = args.owner;
    if (state.exists) lines.push(`owner: ${state.owner} -> ${args.owner}`);
  }
  if (args.group !== undefined && !(state.exists && sameId(args.group, state.group, state.gid))) {
    change.group = args.group;
    if (state.exists) lines.push(`group: ${state.group} -> ${args.group}`);
  }
  return { change, lines };
}

/** Whether an attribute change has anything to do. */
export function hasAttrs(c: AttrChange): boolean {
  return c.mode !== undefined || c.owner !== undefined || c.group !== undefined;
}

/** Shell commands that set the attributes of `path`; `-h` acts on a symbolic link itself; `recurse` on a whole tree. */
export function attrCommands(path: string, c: AttrChange, opts: { link?: boolean; recurse?: boolean } = {}): string[] {
  const flags = `${opts.recurse ? '-R ' : ''}${opts.link ? '-h ' : ''}`;
  const cmds: string[] = [];
  if (c.owner !== undefined || c.group !== undefined) {
    cmds.push(`chown ${flags}${quote(`${c.owner ?? ''}${c.group !== undefined ? `:${c.group}` : ''}`)} -- ${quote(path)}`);
  }
  if (c.mode !== undefined && !opts.link) cmds.push(`chmod ${opts.recurse ? '-R ' : ''}${c.mode} -- ${quote(path)}`);
  return cmds;
}
