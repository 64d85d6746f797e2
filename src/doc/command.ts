import { TsrunError } from '../core/errors';
import { allModules, findKeyword, findModule, type DocType } from './catalog';
import { keywordJson, moduleJson } from './json';
import { snippet } from './snippet';
import { keywordText, listText, moduleText } from './text';
import { keywords } from '../playbook/keywords';

/** The options of `tsrun doc`, named as ansible-doc's. */
export interface DocOptions {
  type?: string;
  list?: boolean;
  snippet?: boolean;
  json?: boolean;
}

/** `tsrun doc [NAME...]`: what ansible-doc prints, for tsrun's modules, special actions and playbook keywords. */
export function docCommand(names: string[], opts: DocOptions = {}): string {
  const type = docType(opts.type);
  if (opts.snippet && type !== 'module') throw new TsrunError('USAGE', 'doc: --snippet is for modules only (a task to paste), not for keywords');
  if (opts.snippet && names.length === 0) throw new TsrunError('USAGE', 'doc: --snippet needs a module name, e.g. tsrun doc -s copy');
  if (opts.list || names.length === 0) return opts.json ? json(listing(type)) : listText(type);
  if (type === 'keyword') {
    const found = names.map(findKeyword);
    return opts.json ? json(Object.assign({}, ...found.map(keywordJson))) : found.map(keywordText).join('\n\n');
  }
  const found = names.map((n) => [n, findModule(n)] as const);
  if (opts.snippet) return found.map(([n, m]) => snippet(m, n)).join('\n\n');
  return opts.json ? json(Object.fromEntries(found.map(([n, m]) => [n, moduleJson(m)]))) : found.map(([, m]) => moduleText(m)).join('\n\n');
}

function docType(type: string | undefined): DocType {
  if (type === undefined || type === 'module') return 'module';
  if (type === 'keyword') return 'keyword';
  throw new TsrunError('USAGE', `doc: unknown type "${type}" (expected module or keyword)`);
}

function listing(type: DocType): Record<string, string> {
  return Object.fromEntries(type === 'module' ? allModules().map((m) => [m.name, m.summary]) : keywords.map((k) => [k.name, k.description]));
}

function json(value: unknown): string {
  return JSON.stringify(value, null, 4);
}
