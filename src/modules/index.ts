import { assert } from './assert';
import { blockinfile } from './blockinfile';
import { copy } from './copy';
import { debug } from './debug';
import { fail } from './fail';
import { file } from './file';
import { lineinfile } from './lineinfile';
import { setFact } from './set_fact';
import { stat } from './stat';
import { template } from './template';
import type { Module } from './types';

// Modules are typed by their own arguments; the registry only needs their shared shape.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyModule = Module<any>;

/** Every built-in module, by its YAML key. */
const modules: AnyModule[] = [assert, blockinfile, copy, debug, fail, file, lineinfile, setFact, stat, template];

/** Built-in modules by name. */
export const registry: ReadonlyMap<string, AnyModule> = new Map(modules.map((m) => [m.name, m]));
