import { TsrunError } from '../core/errors';
import { attrSpec } from './fs/attrs';
import { currentText, planEdit, readEditable, type EditState } from './fs/edit';
import { bare, expandBackrefs, pyRegex, splitLines } from './fs/text';
import { applyContent, checkValidate, contentReturns, type ContentChange } from './fs/write';
import { stateModule, type Plan } from './types';
import { predictContent } from '../predict/files';
import { arg, argsSchema, optional, type ArgsOf } from './schema';
import { checkOwners } from '../predict/accounts';

/** Arguments of lineinfile, after validation. */
export type LineArgs = ArgsOf<typeof Args>;

/** Where the line matched and where it would be inserted, found in one pass as Ansible does. */
function locate(lines: string[], args: LineArgs): { at: number; match?: RegExpExecArray; insert: number } {
  const line = args.line ?? '';
  const re = args.regexp !== undefined ? pyRegex(args.regexp, 'regexp') : undefined;
  let at = -1;
  let match: RegExpExecArray | undefined;
  for (let i = 0; (re || args.search_string !== undefined) && i < lines.length; i++) {
    const m = re ? re.exec(bare(lines[i])) : bare(lines[i]).includes(args.search_string!) ? ([] as unknown as RegExpExecArray) : null;
    if (m) {
      at = i;
      match = m;
      if (args.firstmatch) break;
    }
  }
  let insert = -1;
  if (at >= 0) return { at, match, insert };
  const anchor = args.insertafter ?? args.insertbefore;
  const ins = anchor !== undefined && anchor !== 'BOF' && anchor !== 'EOF' ? pyRegex(anchor, args.insertafter ? 'insertafter' : 'insertbefore') : undefined;
  for (let i = 0; i < lines.length; i++) {
    if (bare(lines[i]) === line) at = i;
    else if (ins?.test(bare(lines[i]))) {
      insert = args.insertafter ? i + 1 : i;
      if (args.firstmatch) break;
    }
  }
  return { at, insert };
}

/** Ensures the line is present; returns the edited lines and Ansible's message ('' when nothing changes). */
function present(lines: string[], args: LineArgs): string {
  const line = args.line!;
  const { at, match, insert } = locate(lines, args);
  const endWithNewline = (): void => {
    if (lines.length && !lines[lines.length - 1].endsWith('\n')) lines[lines.length - 1] += '\n';
  };
  if (at >= 0) {
    const text = args.backrefs && match ? expandBackrefs(line, match) : line;
    // keep the line's own ending (\r\n stays \r\n); a last line without one gets \n
    const next = text + (/\r?\n$/.exec(lines[at])?.[0] ?? '\n');
    if (lines[at] === next) return '';
    lines[at] = next;
    return 'line replaced';
  }
  if (args.backrefs) return '';
  if (args.insertbefore === 'BOF' || args.insertafter === 'BOF') {
    lines.unshift(`${line}\n`);
  } else if (args.insertafter === 'EOF' || insert < 0) {
    endWithNewline();
    lines.push(`${line}\n`);
  } else if (args.insertafter !== undefined) {
    const neighbour = insert === lines.length ? lines[insert - 1] : lines[insert];
    if (bare(neighbour) === line) return '';
    if (insert === lines.length) endWithNewline();
    lines.splice(insert, 0, `${line}\n`);
  } else {
    lines.splice(insert, 0, `${line}\n`);
  }
  return 'line added';
}

/** Removes every matching line; returns the message. */
function absent(lines: string[], args: LineArgs): string {
  const re = args.regexp !== undefined ? pyRegex(args.regexp, 'regexp') : undefined;
  const hit = (l: string): boolean => re ? re.test(bare(l)) : args.search_string !== undefined ? bare(l).includes(args.search_string) : bare(l) === args.line;
  const kept = lines.filter((l) => !hit(l));
  const found = lines.length - kept.length;
  lines.splice(0, lines.length, ...kept);
  return found ? `${found} line(s) removed` : '';
}

function checkArgs(args: LineArgs): void {
  const bad = (m: string): never => { throw new TsrunError('SCHEMA', `lineinfile: ${m}`); };
  if (args.insertafter !== undefined && args.insertbefore !== undefined) bad('insertafter and insertbefore are mutually exclusive');
  if (args.regexp !== undefined && args.search_string !== undefined) bad('regexp and search_string are mutually exclusive');
  if (args.backrefs && args.regexp === undefined) bad('regexp is required with backrefs=true');
  if (args.state === 'present' && args.line === undefined) bad('line is required with state=present');
  if (args.state === 'absent' && args.line === undefined && args.regexp === undefined && args.search_string === undefined) {
    bad('one of line, regexp or search_string is required with state=absent');
  }
}

/** Plans lineinfile from the file's current content. Pure. */
export function planLineinfile(s: EditState, args: LineArgs): Plan<ContentChange> {
  checkArgs(args);
  const text = currentText(s, args, args.state === 'present');
  if (text === undefined && args.state === 'absent') return planEdit(s, undefined, args, 'file not present');
  const lines = splitLines(text ?? '');
  const msg = args.state === 'present' ? present(lines, args) : absent(lines, args);
  return planEdit(s, msg || text !== undefined ? lines.join('') : undefined, args, msg);
}

/** The arguments, declared once: their type, checks and documentation. */
const Args = argsSchema({
  path: arg.path('The file to edit.', { aliases: ['dest', 'destfile', 'name'] }),
  line: optional(arg.str('The line to insert or replace; with backrefs, may use \\1 and \\g<name>.', { aliases: ['value'] })),
  regexp: optional(arg.str('Regular expression of the line to replace (the last match, or the first with firstmatch) or to remove.', { aliases: ['regex'] })),
  search_string: optional(arg.str('Literal text of the line to replace or remove (instead of regexp).')),
  state: arg.choice(['present', 'absent'], 'Whether the line should be there.', { default: 'present' }),
  insertafter: optional(arg.str('Regular expression, or EOF/BOF: insert after the last matching line when regexp finds nothing.')),
  insertbefore: optional(arg.str('Regular expression, or BOF: insert before the last matching line when regexp finds nothing.')),
  create: arg.bool('Create the file (and its directories) when it does not exist.', { default: false }),
  backrefs: arg.bool('Expand backreferences from regexp in line; when regexp does not match, change nothing.', { default: false }),
  firstmatch: arg.bool('Use the first line matching regexp/insertafter/insertbefore instead of the last.', { default: false }),
  backup: arg.bool('Keep the old file as path.YYYY-MM-DD@HH:MM:SS~ and return backup_file.', { default: false }),
  validate: optional(arg.str('Command run on the edited temporary file before installing it; %s is its path.')),
  ...attrSpec,
});

/** lineinfile: ensures one line is in a file (or replaced, or removed). */
export const lineinfile = stateModule<LineArgs, EditState, ContentChange>({
  name: 'lineinfile',
  returns: { path: { type: 'str', returned: 'always', description: 'The file edited.', sample: '/etc/ssh/sshd_config' }, ...contentReturns },
  summary: 'Ensure a particular line is in a file, or replace or remove it',
  description: "Regular expressions are Python re syntax approximated by JavaScript RegExp ((?P<name>) is translated); lines are matched without their line ending.",
  examples: "- lineinfile: { path: /etc/ssh/sshd_config, regexp: '^#?PermitRootLogin', line: 'PermitRootLogin no' }",
  schema: Args,
  async read(ctx, args) {
    checkArgs(args);
    checkValidate(args.validate);
    await checkOwners(ctx, args);
    return readEditable(ctx, args.path);
  },
  plan: planLineinfile,
  predict: (model, _args, plan) => predictContent(model, plan),
  apply: async (ctx, _args, plan) => ({ data: await applyContent(ctx, plan.change!) }),
});
