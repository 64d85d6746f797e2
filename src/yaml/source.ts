import type { SourceLocation } from '../core/errors';

/** A loaded file: its name and text; its line starts are computed on the first location asked of it. */
export interface Source {
  file: string;
  text: string;
  starts?: number[];
}

/** An offset into a loaded file (a node's start; +1 inside a quoted scalar's quote), or a location already known. */
export type Pos = number | SourceLocation;

function lineStarts(src: Source): number[] {
  if (src.starts) return src.starts;
  const starts = [0];
  for (let i = src.text.indexOf('\n'); i >= 0; i = src.text.indexOf('\n', i + 1)) starts.push(i + 1);
  src.starts = starts;
  return starts;
}

/** The 1-based line and column of an offset. */
export function locate(src: Source, offset: number): SourceLocation {
  const starts = lineStarts(src);
  let lo = 0;
  let hi = starts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (starts[mid] <= offset) lo = mid;
    else hi = mid - 1;
  }
  return { file: src.file, line: lo + 1, col: offset - starts[lo] + 1 };
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
