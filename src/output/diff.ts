import { lazyRequire } from '../core/lazy-require';
import type * as DiffLib from 'diff';
import type { Diff } from '../modules/types';

const diffLib = lazyRequire<typeof DiffLib>('diff');

/** Renders module diffs as unified diffs with path headers, and readable lines for attribute changes. */
export function renderDiffs(diffs: Diff[] | undefined): string {
  if (!diffs?.length) return '';
  return diffs
    .map((d) => {
      if (d.kind === 'lines') return d.lines.map((l) => `  ${l}`).join('\n');
      const patch = diffLib().createTwoFilesPatch(`before: ${d.path}`, `after: ${d.path}`, d.before, d.after, undefined, undefined, { context: 3 });
      // drop the "Index:"/"===" preamble the diff package writes before the headers
      return patch.split('\n').filter((l, i) => !(i < 2 && (l.startsWith('Index:') || l.startsWith('====')))).join('\n').trimEnd();
    })
    .join('\n');
}
