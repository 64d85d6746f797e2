import { dataFilters } from './data';
import { listFilters } from './lists';
import { logicFilters } from './logic';
import { stringFilters } from './strings';
import type { Filter } from './types';

export type { Filter } from './types';

/** Every helper, in the order of the reference (docs/templates.md). */
export const filters: readonly Filter[] = [...logicFilters, ...stringFilters, ...listFilters, ...dataFilters];

/** Helpers by name and alias. */
export const filtersByName: ReadonlyMap<string, Filter> = new Map(
  filters.flatMap((f) => [f.name, ...(f.aliases ?? [])].map((name) => [name, f] as const)),
);

/** Looks a helper up by name or alias; own keys only, so `constructor` is never a helper. */
export function findFilter(name: string): Filter | undefined {
  return filtersByName.get(name);
}
