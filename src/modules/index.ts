import type { Module } from './types';
import { apt } from './apt';
import { command } from './command';
import { get_url } from './get_url';
import { pkg } from './package';
import { service } from './service';
import { shell } from './shell';
import { systemd } from './systemd';
import { uri } from './uri';
import { wait_for } from './wait_for';

/** Every built-in module, by its YAML key. */
const modules: Module<never>[] = [
  command,
  shell,
  apt,
  pkg,
  service,
  systemd,
  get_url,
  uri,
  wait_for,
];

export const registry: ReadonlyMap<string, Module<never>> = new Map(modules.map((m) => [m.name, m]));
