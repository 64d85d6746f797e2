import type { SourceLocation } from '../core/errors';
import { lineOf, lineStarts } from '../core/lines';

/** A loaded file: its name and text; its line starts are computed on the first location asked of it. */
export interface Source {
  file: string;
  text: string;
  starts?: number[];
}

/** An offset into a loaded file (a node's start; +1 inside a quoted scalar's quote), or a location already known. */
export type Pos = number | SourceLocation;

function startsOf(src: Source): number[] {
  src.starts ??= lineStarts(src.text);
  return src.starts;
}

/** The 1-based line and column of an offset. */
export function locate(src: Source, offset: number): SourceLocation {
  const { line, start } = lineOf(startsOf(src), offset);
  return { file: src.file, line: line + 1, col: offset - start + 1 };
}

const INDENT = / */y;

/** Where the text of a block scalar whose `|` or `>` stands at `offset` starts: the next line, at its indentation. */
export function blockScalarStart(src: Source, offset: number): SourceLocation | undefined {
  const next = src.text.indexOf('\n', offset);
  if (next < 0) return undefined;
  INDENT.lastIndex = next + 1;
  const indent = INDENT.exec(src.text)?.[0].length ?? 0;
  return { file: src.file, line: locate(src, next + 1).line, col: indent + 1, indent };
}
