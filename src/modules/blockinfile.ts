import { TsrunError } from '../core/errors';
import { attrSpec } from './fs/attrs';
import { currentText, planEdit, readEditable, type EditState } from './fs/edit';
import { bare, pyRegex, splitLines } from './fs/text';
import { applyContent, checkValidate, contentReturns, type ContentChange } from './fs/write';
import { stateModule, type Plan } from './types';
import { predictContent } from '../predict/files';
import { arg, argsSchema, optional, type ArgsOf } from './schema';
import { checkOwners } from '../predict/accounts';

/** Arguments of blockinfile, after validation. */
export type BlockArgs = ArgsOf<typeof Args>;

/** Where a new block goes: after/before the last line matching the anchor, at BOF, or at EOF (also when nothing matches). */
function insertionPoint(lines: string[], args: BlockArgs): number {
  if (args.insertbefore === 'BOF') return 0;
  const anchor = args.insertafter ?? args.insertbefore;
  if (anchor === undefined || anchor === 'EOF') return lines.length;
  const re = pyRegex(anchor, args.insertafter !== undefined ? 'insertafter' : 'insertbefore');
  for (let i = lines.length - 1; i >= 0; i--) {
    if (re.test(bare(lines[i]))) return args.insertafter !== undefined ? i + 1 : i;
  }
  return lines.length;
}

/** Plans blockinfile from the file's current content. Pure. */
export function planBlockinfile(s: EditState, args: BlockArgs): Plan<ContentChange> {
  if (args.insertafter !== undefined && args.insertbefore !== undefined) {
    throw new TsrunError('SCHEMA', 'blockinfile: insertafter and insertbefore are mutually exclusive');
  }
  const text = currentText(s, args, args.state === 'present');
  if (text === undefined && args.state === 'absent') return planEdit(s, undefined, args, 'file not present');
  const begin = args.marker.replace('{mark}', args.marker_begin);
  const end = args.marker.replace('{mark}', args.marker_end);
  const lines = splitLines(text ?? '');
  let b = -1;
  let e = -1;
  lines.forEach((l, i) => {
    if (bare(l) === begin) b = i;
    if (bare(l) === end) e = i;
  });
  const body = args.state === 'present' && args.block !== '' ? args.block.replace(/\n$/, '').split('\n') : [];
  const block = body.length ? [begin, ...body, end].map((l) => `${l}\n`) : [];
  let at: number;
  if (b < 0 || e < 0) {
    at = insertionPoint(lines, args);
  } else {
    at = Math.min(b, e);
    lines.splice(at, Math.abs(e - b) + 1);
  }
  if (block.length && at > 0 && !lines[at - 1].endsWith('\n')) lines[at - 1] += '\n';
  lines.splice(at, 0, ...block);
  const after = lines.join('');
  const msg = after === (text ?? '') && text !== undefined ? '' : text === undefined ? 'File created' : block.length ? 'Block inserted' : 'Block removed';
  return planEdit(s, block.length || text !== undefined ? after : undefined, args, msg);
}

/** The arguments, declared once: their type, checks and documentation. */
const Args = argsSchema({
  path: arg.path('The file to edit.', { aliases: ['dest', 'destfile', 'name'] }),
  block: arg.str('The text between the markers; empty removes the block.', { default: '', aliases: ['content'] }),
  marker: arg.str('Marker line template; {mark} becomes marker_begin or marker_end.', { default: '# {mark} ANSIBLE MANAGED BLOCK' }),
  marker_begin: arg.str('What {mark} becomes in the opening marker.', { default: 'BEGIN' }),
  marker_end: arg.str('What {mark} becomes in the closing marker.', { default: 'END' }),
  state: arg.choice(['present', 'absent'], 'Whether the block should be there.', { default: 'present' }),
  insertafter: optional(arg.str('Regular expression or EOF: put a new block after the last matching line (EOF when none matches).')),
  insertbefore: optional(arg.str('Regular expression or BOF: put a new block before the last matching line (EOF when none matches).')),
  create: arg.bool('Create the file (and its directories) when it does not exist.', { default: false }),
  backup: arg.bool('Keep the old file as path.YYYY-MM-DD@HH:MM:SS~ and return backup_file.', { default: false }),
  validate: optional(arg.str('Command run on the edited temporary file before installing it; %s is its path.')),
  ...attrSpec,
});

/** blockinfile: keeps a block of lines between marker lines in a file. */
export const blockinfile = stateModule<BlockArgs, EditState, ContentChange>({
  name: 'blockinfile',
  returns: { path: { type: 'str', returned: 'always', description: 'The file edited.', sample: '/etc/hosts' }, ...contentReturns },
  summary: 'Insert, update or remove a block of lines between marker lines',
  description: 'insertafter/insertbefore are Python re syntax approximated by JavaScript RegExp.',
  examples: "- blockinfile: { path: /etc/hosts, block: '10.0.0.5 db', marker: '# {mark} db hosts' }",
  schema: Args,
  async read(ctx, args) {
    checkValidate(args.validate);
    await checkOwners(ctx, args);
    return readEditable(ctx, args.path);
  },
  plan: planBlockinfile,
  predict: (model, _args, plan) => predictContent(model, plan),
  apply: async (ctx, _args, plan) => ({ data: await applyContent(ctx, plan.change!) }),
});
