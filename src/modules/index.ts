import { apt } from './apt';
import { assert } from './assert';
import { blockinfile } from './blockinfile';
import { command } from './command';
import { copy } from './copy';
import { debug } from './debug';
import { fail } from './fail';
import { file } from './file';
import { get_url } from './get_url';
import { group } from './group';
import { lineinfile } from './lineinfile';
import { pkg } from './package';
import { service } from './service';
import { setFact } from './set_fact';
import { shell } from './shell';
import { stat } from './stat';
import { systemd } from './systemd';
import { template } from './template';
import type { Module } from './types';
import { uri } from './uri';
import { user } from './user';
import { wait_for } from './wait_for';

// Modules are typed by their own arguments; the registry only needs their shared shape.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyModule = Module<any>;

/** Every built-in module, by its YAML key. */
const modules: AnyModule[] = [
  apt, assert, blockinfile, command, copy, debug, fail, file, get_url, group, lineinfile,
  pkg, service, setFact, shell, stat, systemd, template, uri, user, wait_for,
];

/** Built-in modules by name. */
export const registry: ReadonlyMap<string, AnyModule> = new Map(modules.map((m) => [m.name, m]));
