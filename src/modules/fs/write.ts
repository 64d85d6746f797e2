import { createHash } from 'node:crypto';
import { dirname } from 'node:path';
import { tempPath } from '../../connection/temp';
import { quote } from '../../connection/shell';
import { TsrunError } from '../../core/errors';
import type { Diff, ModuleContext, Plan, ReturnSpec } from '../types';
import { attrCommands, hasAttrs, planAttrs, type AttrArgs, type AttrChange } from './attrs';
import { sh } from './exec';
import type { FileState } from './probe';

/** Arguments shared by the modules that write a file's content. */
export interface ContentArgs extends AttrArgs {
  backup?: boolean;
  validate?: string;
}

/** What the modules that write a file's content return (copy, template, lineinfile, blockinfile). */
export const contentReturns: ReturnSpec = {
  dest: { type: 'str', returned: 'success', description: 'The file written (copy, template) or edited.', sample: '/etc/motd' },
  checksum: { type: 'str', returned: 'success', description: 'sha1 of the file after the task.', sample: '6e642bb8dd5c2e027bf21dd923337cbb4214f827' },
  size: { type: 'int', returned: 'success', description: 'Size of the file after the task, in bytes.', sample: 1220 },
  mode: { type: 'str', returned: 'success', description: 'Permissions of the file after the task, in octal.', sample: '0644' },
  owner: { type: 'str', returned: 'success', description: 'Owner of the file after the task.', sample: 'root' },
  group: { type: 'str', returned: 'success', description: 'Group of the file after the task.', sample: 'root' },
  backup_file: { type: 'str', returned: 'changed and backup is yes', description: 'The copy of the old file.', sample: '/etc/motd.2026-12-01@10:00:00~' },
};

/** What apply must do to a file: write content (with its final attributes), or only fix attributes. */
export interface ContentChange {
  path: string;
  existed: boolean;
  /** New content; undefined when only attributes change. */
  content?: Buffer;
  attrs: AttrChange;
  /** Owner and group for a rewritten file: both when either changes, as chown with only an owner resets the group. */
  ids: { owner?: string; group?: string };
  backup: boolean;
  /** The parent directory is missing: applying fails, but check mode predicts the write. */
  parentMissing?: boolean;
  validate?: string;
  /** Create the parent directories first. */
  mkdir: boolean;
}

/** sha1 of some bytes, hex, as Ansible's `checksum`. */
export function sha1(data: Buffer | string): string {
  return createHash('sha1').update(data).digest('hex');
}

function isText(b: Buffer): boolean {
  return !b.includes(0);
}

/**
 * Files larger than this are compared by checksum only, and their diff shows checksums: a text diff of a large
 * file would hold one more copy of it per host (as a string) for as long as the task's results live.
 */
export const DIFF_LIMIT = 1024 * 1024;

/** The diff of a content change: a unified file diff for text, checksums for binary or large content. */
export function contentDiff(path: string, before: Buffer | undefined, after: Buffer, beforeSum?: string): Diff {
  if ((before === undefined || isText(before)) && after.length <= DIFF_LIMIT && isText(after) && (before !== undefined || beforeSum === undefined)) {
    return { kind: 'file', path, before: before?.toString('utf8') ?? '', after: after.toString('utf8') };
  }
  return { kind: 'lines', lines: [`content of ${path}: sha1 ${beforeSum ?? sha1(before ?? '')} -> ${sha1(after)}`] };
}

/**
 * Plans writing `after` to a file in `state` with the wanted attributes: a content diff and attribute lines.
 * `after` undefined means the content is left as it is (attributes only).
 */
export function planContent(state: FileState, after: Buffer | undefined, args: ContentArgs, user: { user: string; group: string }, opts: { mkdir?: boolean; what?: string } = {}): Plan<ContentChange> {
  if (state.exists && state.type === 'directory') throw new TsrunError('TASK', `${state.path} is a directory, expected a file`);
  const beforeSum = state.content ? sha1(state.content) : state.checksum;
  const write = after !== undefined && (!state.exists || beforeSum !== sha1(after));
  const attrs = planAttrs(state, args, false);
  const diff: Diff[] = [];
  if (write) diff.push(contentDiff(state.path, state.content, after, state.exists ? beforeSum : undefined));
  if (attrs.lines.length) diff.push({ kind: 'lines', lines: attrs.lines });
  const final = after ?? state.content;
  const changed = write || hasAttrs(attrs.change);
  const data: Record<string, unknown> = {
    dest: state.path,
    checksum: final ? sha1(final) : state.checksum,
    size: final?.length ?? state.size,
    mode: attrs.change.mode ?? state.mode ?? '0644',
    owner: args.owner ?? state.owner ?? user.user,
    group: args.group ?? state.group ?? user.group,
  };
  const msg = write ? (state.exists ? `${opts.what ?? 'content'} changed` : 'file created') : changed ? 'attributes changed' : 'file is up to date';
  const ids = attrs.change.owner !== undefined || attrs.change.group !== undefined
    ? { owner: attrs.change.owner ?? state.owner, group: attrs.change.group ?? state.group }
    : {};
  const change: ContentChange = {
    path: state.path, existed: state.exists, content: write ? after : undefined, attrs: attrs.change, ids,
    backup: !!args.backup, validate: args.validate, mkdir: !!opts.mkdir && !state.parentExists,
  };
  return { changed, diff, msg, change, data };
}

/** Installs a planned change: backup, validation of a temporary copy, atomic write, attributes. */
export async function applyContent(ctx: ModuleContext, c: ContentChange): Promise<Record<string, unknown>> {
  const d = quote(c.path);
  if (c.content === undefined) {
    await sh(ctx, attrCommands(c.path, c.attrs).join(' && '), `could not set attributes of ${c.path}`);
    return {};
  }
  const backup = c.backup && c.existed ? [`b=${d}.$(date +%Y-%m-%d@%H:%M:%S)~ && cp -p -- ${d} "$b" && echo "backup=$b"`] : [];
  const mkdir = c.mkdir ? [`mkdir -p -- ${quote(dirname(c.path))}`] : [];
  const ids = c.ids;
  let out = '';
  if (!c.validate) {
    if (mkdir.length + backup.length) out = (await sh(ctx, [...mkdir, ...backup].join(' && '), `could not prepare ${c.path}`)).stdout;
    await ctx.conn.put(c.path, c.content, { mode: c.attrs.mode, ...ids, become: ctx.become });
  } else {
    if (mkdir.length) await sh(ctx, mkdir.join(' && '), `could not create the directory of ${c.path}`);
    const tmp = tempPath(c.path);
    await ctx.conn.put(tmp, c.content, { mode: c.attrs.mode, ...ids, become: ctx.become });
    const t = quote(tmp);
    const keep = c.existed ? [
      c.attrs.mode === undefined ? `chmod --reference=${d} ${t}` : ':',
      ids.owner === undefined && ids.group === undefined ? `{ chown --reference=${d} ${t} 2>/dev/null || true; }` : ':',
    ] : [];
    // a subshell, so an `exit` in the validator cannot skip the cleanup; the trap removes the copy on any failure
    const script = [
      `t=${t}`, `trap 'rm -f "$t"' EXIT`,
      `( ${c.validate.split('%s').join(t)} ) 2>&1`,
      ...keep, ...backup, `mv -f "$t" ${d}`, 'trap - EXIT',
    ].join(' && ');
    out = (await sh(ctx, script, `failed to validate ${c.path}`)).stdout;
  }
  const m = /^backup=(.*)$/m.exec(out);
  return m ? { backup_file: m[1] } : {};
}

/** Checks a `validate` command before anything runs: Ansible requires the `%s` placeholder. */
export function checkValidate(validate: string | undefined): void {
  if (validate !== undefined && !validate.includes('%s')) {
    throw new TsrunError('SCHEMA', `validate must contain %s (the path of the file to check), got "${validate}"`);
  }
}
