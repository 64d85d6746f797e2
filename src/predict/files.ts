import { posix } from 'node:path';
import type { FileArgs } from '../modules/file';
import type { ContentChange } from '../modules/fs/write';
import type { Plan } from '../modules/types';
import type { HostModel } from './model';
import { Unpredictable } from './unknown';

/** What file's apply would leave at the path, recorded in the model. */
export function predictFile(model: HostModel, args: FileArgs, plan: Plan<string[]>): void {
  const state = plan.data?.state as string;
  const by = model.task;
  const attrs = { mode: plan.data?.mode as string | undefined, owner: args.owner, group: args.group, by };
  if (state === 'absent') return model.set(args.path, { type: 'absent', by });
  if (state === 'directory') return model.set(args.path, { type: 'directory', ...attrs }, true);
  if (state === 'link') return model.set(args.path, { type: 'link', linkTarget: args.src, owner: args.owner, group: args.group, by });
  if (state === 'hard') {
    const src = model.lookup(posix.resolve(posix.dirname(args.path), args.src ?? ''));
    const content = src?.type === 'file' ? src.content : undefined;
    return model.set(args.path, { type: 'file', ...attrs, content, unknownContent: content ? undefined : `the content of ${args.path} (a hard link made by "${by}") is read from the host only after the real run` });
  }
  const touched = state === 'touch' && plan.msg === 'file created';
  model.set(args.path, { type: 'file', ...attrs, content: touched ? Buffer.alloc(0) : undefined });
}

/** What a content write (copy, template, lineinfile, blockinfile) would leave, recorded in the model. */
export function predictContent(model: HostModel, plan: Plan<ContentChange>): void {
  const c = plan.change;
  if (!c) return;
  // A package that an earlier task installs brings its own directories (nginx's /etc/nginx): the write is predicted
  // to create the file, as the real run will; with no such package, nothing can say what the real run does.
  if (c.parentMissing && model.installed().length === 0) {
    throw new Unpredictable(`the directory ${posix.dirname(c.path)} does not exist on the host and no earlier task is predicted to create it`);
  }
  const mode = c.attrs.mode ?? (plan.data?.mode as string | undefined);
  model.set(c.path, { type: 'file', content: c.content, mode, owner: c.ids.owner ?? c.attrs.owner, group: c.ids.group ?? c.attrs.group, by: model.task }, c.mkdir || c.parentMissing);
}
