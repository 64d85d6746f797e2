/** Conditions (`when`, `failed_when`, `changed_when`, `until`, `assert.that`): parsed by jsep, evaluated safely. */
export { evaluate, isTrue } from './evaluate';
export { parseExpression } from './parse';
