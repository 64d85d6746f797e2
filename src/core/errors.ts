import type * as CodeFrame from '@babel/code-frame';
import { readFileSync } from 'node:fs';
import { lazyRequire } from './lazy-require';

const codeFrame = lazyRequire<typeof CodeFrame>('@babel/code-frame');

/** Where in a user's file something came from; line and column are 1-based. */
export interface SourceLocation {
  file: string;
  line: number;
  col: number;
  /** A block scalar's indentation: where the columns of its second and later lines start. */
  indent?: number;
}

/** Error codes; each maps to an exit code in the CLI. */
export type ErrorCode =
  | 'USAGE' // bad command line
  | 'PARSE' // malformed YAML / INI / expression / template
  | 'SCHEMA' // well-formed input with the wrong shape (unknown keyword, wrong argument type)
  | 'UNDEFINED' // an undefined variable
  | 'NOT_FOUND' // a missing file, role or module
  | 'UNREACHABLE' // a host could not be connected to
  | 'TASK' // a task failed on a host
  | 'INTERNAL';

/** The one error base class: a code, an optional cause and, when it comes from a user's file, its location. */
export class TsrunError extends Error {
  readonly code: ErrorCode;
  readonly location?: SourceLocation;
  /** The task the error belongs to, when known. */
  task?: string;
  /** What was expected instead, in a few words. */
  readonly expected?: string;

  constructor(
    code: ErrorCode,
    message: string,
    opts: { location?: SourceLocation; cause?: unknown; task?: string; expected?: string } = {},
  ) {
    super(message, { cause: opts.cause });
    this.name = 'TsrunError';
    this.code = code;
    this.location = opts.location;
    this.task = opts.task;
    this.expected = opts.expected;
  }
}

/** Renders an error for a person: `file:line:col: message`, the task, what was expected, and the lines around it. */
export function formatError(err: unknown, source?: string): string {
  if (!(err instanceof TsrunError)) {
    return err instanceof Error ? err.message : String(err);
  }
  const loc = err.location;
  const head = loc ? `${loc.file}:${loc.line}:${loc.col}: ${err.message}` : err.message;
  const parts = [`ERROR! ${head}`];
  if (err.task) parts.push(`  in task: ${err.task}`);
  if (err.expected) parts.push(`  expected: ${err.expected}`);
  if (loc) {
    const text = source ?? readSafe(loc.file);
    if (text !== undefined) {
      parts.push(codeFrame().codeFrameColumns(text, { start: { line: loc.line, column: loc.col } }, { linesAbove: 2, linesBelow: 2 }));
    }
  }
  return parts.join('\n');
}

function readSafe(file: string): string | undefined {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
}
