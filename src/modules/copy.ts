import { statSync } from 'node:fs';
import { readShared, readSharedText } from '../core/shared-read';
import { basename, isAbsolute, posix } from 'node:path';
import { TsrunError } from '../core/errors';
import { attrSpec } from './fs/attrs';
import { probe, type FileState } from './fs/probe';
import { DIFF_LIMIT, applyContent, checkValidate, contentReturns, planContent, type ContentChange } from './fs/write';
import { predictContent } from '../predict/files';
import type { TObject } from '@sinclair/typebox';
import { stateModule, type Module, type ModuleContext, type Plan } from './types';
import { arg, argsSchema, optional, type ArgsOf } from './schema';
import { checkOwners } from '../predict/accounts';

/** Arguments of copy (and of template, whose src is required and which has no content), after validation. */
export type CopyArgs = ArgsOf<typeof CopySchema>;

/** What copy and template read: the destination, the bytes to install, and who writes them. */
export interface CopyState {
  file: FileState;
  source: Buffer;
  user: string;
  group: string;
  /** The destination ended in `/`: its directories are created. */
  mkdir: boolean;
}

/** The arguments copy and template share. */
export const copyCommon = {
  dest: arg.path('Remote path to write; ending in / or an existing directory means dest/basename(src).'),
  ...attrSpec,
  backup: arg.bool('Keep the old file as dest.YYYY-MM-DD@HH:MM:SS~ and return backup_file.', { default: false }),
  validate: optional(arg.str('Command run on the temporary file before installing it; %s is its path. On failure nothing is installed.')),
  force: arg.bool('Replace a file whose content differs; with no, only create missing files.', { default: true, aliases: ['thirsty'] }),
};

/** Where src is on the controller; fails when it is missing, unreadable or a directory. */
function findSource(ctx: ModuleContext, kind: 'files' | 'templates', src: string): string {
  const path = isAbsolute(src) ? src : ctx.findFile(kind, src);
  let dir: boolean;
  try {
    dir = statSync(path).isDirectory();
  } catch (e) {
    throw new TsrunError('NOT_FOUND', `could not find or read src ${src} (looked at ${path})`, { cause: e });
  }
  if (dir) throw new TsrunError('SCHEMA', `src ${src} is a directory: copying directories is not supported`);
  return path;
}

/** The bytes to install: copy's file as it is, or template's rendered for this host (one buffer, no other copy). */
function readSource(ctx: ModuleContext, kind: 'files' | 'templates', src: string): Buffer {
  const path = findSource(ctx, kind, src);
  try {
    return kind === 'templates' ? Buffer.from(ctx.render(readSharedText(path), path)) : readShared(path);
  } catch (e) {
    if (e instanceof TsrunError) throw e;
    throw new TsrunError('NOT_FOUND', `could not find or read src ${src} (looked at ${path})`, { cause: e });
  }
}

/**
 * Plans copy/template: force=no keeps an existing file. A missing parent directory fails as in Ansible when
 * applied; in check mode the plan is still the predicted change, since an earlier task may create the directory.
 */
export function planCopy(state: CopyState, args: CopyArgs): Plan<ContentChange> {
  const { file } = state;
  if (!args.force && file.exists) return { changed: false, diff: [], msg: 'file already exists', data: { dest: file.path } };
  const plan = planContent(file, state.source, args, state, { mkdir: state.mkdir });
  if (!file.parentExists && !state.mkdir) return { ...plan, msg: `${missingParent(file.path)} yet`, change: plan.change && { ...plan.change, parentMissing: true } };
  return plan;
}

function missingParent(path: string): string {
  return `Destination directory ${posix.dirname(path)} does not exist`;
}

/** Builds copy or template: they differ only in where src is found and whether it is rendered. */
export function copyLike(
  meta: Pick<Module, 'name' | 'summary' | 'description' | 'examples' | 'returns' | 'exclusive' | 'requiredOneOf'>, kind: 'files' | 'templates', schema: TObject,
): Module<CopyArgs> {
  return stateModule<CopyArgs, CopyState, ContentChange>({
    ...meta,
    schema,
    async read(ctx, args) {
      checkValidate(args.validate);
      let source: Buffer;
      let name = '';
      if (args.src !== undefined) {
        source = readSource(ctx, kind, args.src);
        name = basename(args.src);
      } else {
        if (args.dest.endsWith('/')) throw new TsrunError('SCHEMA', `${meta.name}: dest ${args.dest} is a directory; content needs a file path`);
        source = Buffer.from(args.content ?? '');
      }
      const mkdir = args.dest.endsWith('/');
      const req = { follow: true, checksum: true, content: DIFF_LIMIT };
      const paths = mkdir ? [posix.join(args.dest, name)] : name ? [args.dest, posix.join(args.dest, name)] : [args.dest];
      await checkOwners(ctx, args);
      const r = await probe(ctx, paths.map((path) => ({ ...req, path })));
      const file = r.files.length === 2 && r.files[0].type === 'directory' ? r.files[1] : r.files[0];
      return { file, source, user: r.user, group: r.group, mkdir };
    },
    plan: planCopy,
    predict: (model, _args, plan) => predictContent(model, plan),
    apply: async (ctx, _args, plan) => {
      if (plan.change?.parentMissing) throw new TsrunError('TASK', missingParent(plan.change.path));
      return { data: await applyContent(ctx, plan.change!) };
    },
  });
}

const CopySchema = argsSchema({
  src: optional(arg.path("File on the controller: absolute, or found in the role's/playbook's files/.")),
  content: optional(arg.str('The file content, given inline (instead of src).')),
  ...copyCommon,
});

/** copy: writes a file from the controller (or inline content) to the host. */
export const copy = copyLike(
  {
    name: 'copy',
    returns: contentReturns,
    summary: 'Copy a file (or inline content) to the host',
    description: 'Writes atomically; checksum is sha1 as in Ansible. Copying directories and remote_src are not supported.',
    examples: '- copy: { src: motd, dest: /etc/motd, mode: 0644 }\n- copy: { content: "hello\\n", dest: /tmp/hello, backup: yes }',
    exclusive: [['src', 'content']],
    requiredOneOf: [['src', 'content']],
  },
  'files',
  CopySchema,
);
