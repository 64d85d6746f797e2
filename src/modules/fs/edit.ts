import { TsrunError } from '../../core/errors';
import type { ModuleContext, Plan } from '../types';
import { probe, type FileState } from './probe';
import { planContent, type ContentArgs, type ContentChange } from './write';

/** What lineinfile and blockinfile read: the file with its content, and who writes it. */
export interface EditState {
  file: FileState;
  user: string;
  group: string;
}

/** Arguments shared by the modules that edit a file in place. */
export interface EditArgs extends ContentArgs {
  path: string;
  create: boolean;
}

/** Reads a file and its whole content in one round trip. */
export async function readEditable(ctx: ModuleContext, path: string): Promise<EditState> {
  const r = await probe(ctx, [{ path, follow: true, content: true }]);
  return { file: r.files[0], user: r.user, group: r.group };
}

/** The file's current text, or undefined when it does not exist; fails as Ansible does when it is missing and create is off. */
export function currentText(s: EditState, args: EditArgs, needed: boolean): string | undefined {
  const f = s.file;
  if (!f.exists) {
    if (needed && !args.create) throw new TsrunError('TASK', `Destination ${f.path} does not exist !`);
    return undefined;
  }
  if (f.type === 'directory') throw new TsrunError('TASK', `${f.path} is a directory, expected a file`);
  if (f.content === undefined) throw new TsrunError('TASK', `could not read ${f.path}`);
  return f.content.toString('utf8');
}

/** Turns edited text into a plan: content diff, attribute lines and Ansible's messages ("line added and ownership... changed"). */
export function planEdit(s: EditState, after: string | undefined, args: EditArgs, editMsg: string): Plan<ContentChange> {
  if (!s.file.exists && after === undefined) return { changed: false, diff: [], msg: editMsg || 'file not present', data: { path: s.file.path } };
  const p = planContent(s.file, after === undefined ? undefined : Buffer.from(after), args, s, { mkdir: args.create });
  // edit what a symbolic link points to, as Ansible does, instead of replacing the link with a file
  if (p.change && s.file.exists && s.file.realPath) p.change.path = s.file.realPath;
  const wrote = p.change?.content !== undefined;
  const attrs = p.changed && (!wrote || p.diff.length > 1) ? 'ownership, perms or SE linux context changed' : '';
  const msg = [wrote ? editMsg : '', attrs].filter(Boolean).join(' and ');
  return { ...p, msg, data: { path: s.file.path, ...p.data } };
}
