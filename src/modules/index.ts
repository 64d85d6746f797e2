import type { Module } from './types';

/** Every built-in module, by its YAML key. */
const modules: Module<never>[] = [];

export const registry: ReadonlyMap<string, Module<never>> = new Map(modules.map((m) => [m.name, m]));
