import { blockinfile } from './blockinfile';
import { copy } from './copy';
import { file } from './file';
import { lineinfile } from './lineinfile';
import { stat } from './stat';
import { template } from './template';
import type { Module } from './types';

/** Every built-in module, by its YAML key. */
const modules: Module<never>[] = [copy, template, file, lineinfile, blockinfile, stat];

export const registry: ReadonlyMap<string, Module<never>> = new Map(modules.map((m) => [m.name, m]));
