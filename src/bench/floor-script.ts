import { quote } from '../connection/shell';
import type { Check } from './workload';

function one(c: Check): string {
  const p = quote(c.path);
  const mode = (m: string | undefined) => (m ? ` && [ "$(stat -c %a ${p})" = ${m} ]` : '');
  switch (c.kind) {
    case 'dir':
      return `[ -d ${p} ] && [ ! -L ${p} ]${mode(c.mode)} || fail ${quote(`directory ${c.path}`)}`;
    case 'file':
      return `[ -f ${p} ]${mode(c.mode)} && printf %s ${quote(c.content)} | cmp -s - ${p} || fail ${quote(`file ${c.path}`)}`;
    case 'link':
      return `[ -L ${p} ] && [ "$(readlink ${p})" = ${quote(c.target)} ] || fail ${quote(`link ${c.path}`)}`;
    case 'exists':
      return `[ -e ${p} ] || fail ${quote(`missing ${c.path}`)}`;
  }
}

/**
 * The raw floor's shell script for one host: every check of the converged state in one POSIX sh run, failing on
 * the first difference with a line naming it, printing `ok` when all hold.
 */
export function floorScript(checks: Check[]): string {
  return ['fail() { echo "floor: $1 differs" >&2; exit 1; }', ...checks.map(one), 'echo ok', ''].join('\n');
}
