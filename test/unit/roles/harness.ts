import { readdirSync, readFileSync, statSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import YAML from 'yaml';
import { engine } from './engine';

/** Repository root (the worktree holding roles/ and playbooks/). */
export const ROOT = fileURLToPath(new URL('../../../', import.meta.url));

/** The shipped roles. */
export const ROLES = ['proxy-env', 'docker', 'registry-mirror', 'nginx-lb', 'etcd-precheck', 'node-precheck', 'rke-config', 'private-registry', 'k3s-datastore'] as const;

/** Variables as the runner would pass them to a template. */
export type Vars = Record<string, unknown>;

/** All files under a directory, recursively, as absolute paths. */
export function walk(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? walk(path) : [path];
  });
}

/** A path relative to the repository root, for messages. */
export function rel(path: string): string {
  return relative(ROOT, path);
}

/** Parses a YAML file with the 1.1 semantics the runner uses; throws on any parse error. */
export function loadYaml(path: string): unknown {
  const doc = YAML.parseDocument(readFileSync(path, 'utf8'), { version: '1.1' });
  if (doc.errors.length > 0) throw new Error(`${rel(path)}: ${doc.errors[0].message}`);
  return doc.toJS();
}

/** A role's defaults/main.yml. */
export function roleDefaults(role: string): Vars {
  return (loadYaml(join(ROOT, 'roles', role, 'defaults/main.yml')) ?? {}) as Vars;
}

/** One task of a role's tasks file, found by the end of its name. */
export function roleTask(role: string, file: string, nameEnd: string): Record<string, unknown> {
  const tasks = loadYaml(join(ROOT, 'roles', role, 'tasks', file)) as Record<string, unknown>[];
  const task = tasks.find((t) => String(t.name).endsWith(nameEnd));
  if (!task) throw new Error(`no task ending "${nameEnd}" in ${role}/tasks/${file}`);
  return task;
}

/** Renders a template string to text with the engine (the runner's when present; it does not HTML-escape). */
export function render(src: string, vars: Vars): string {
  return engine.renderString(src, vars);
}

/** Renders a value the way the runner renders task arguments: a string that is one expression keeps its type. */
export function renderValue(src: string, vars: Vars): unknown {
  return engine.render(src, vars);
}

/** Renders one of a role's templates. */
export function renderTemplate(role: string, name: string, vars: Vars): string {
  return render(readFileSync(join(ROOT, 'roles', role, 'templates', name), 'utf8'), vars);
}

/** Renders every string inside a value, keeping the shape of lists and maps. */
export function renderDeep(value: unknown, vars: Vars): unknown {
  if (typeof value === 'string') return renderValue(value, vars);
  if (Array.isArray(value)) return value.map((v) => renderDeep(v, vars));
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, renderDeep(v, vars)]));
  }
  return value;
}

/** Applies a set_fact task: all its values are rendered with the variables before the task, as in Ansible. */
export function applySetFact(task: Record<string, unknown>, vars: Vars): Vars {
  return { ...vars, ...(renderDeep(task.set_fact, vars) as Vars) };
}

/** A small inventory: three nodes and one balancer, with addresses, as the runner exposes it. */
export function labInventory(host: string): Vars {
  const hostvars: Record<string, Vars> = {
    node1: { ansible_host: '10.99.0.11', ansible_hostname: 'node1' },
    node2: { ansible_host: '10.99.0.12', ansible_hostname: 'node2' },
    node3: { ansible_host: '10.99.0.13', ansible_hostname: 'node3' },
    lb1: { ansible_host: '10.99.0.10', ansible_hostname: 'lb1' },
  };
  return {
    groups: { all: Object.keys(hostvars), nodes: ['node1', 'node2', 'node3'], lb: ['lb1'] },
    hostvars,
    inventory_hostname: host,
    ...hostvars[host],
  };
}

/** A TCP server on a port of 127.0.0.1 that the OS hands out: a port held busy, or one known to be free once closed. */
export function listenLoopback(): Promise<Server> {
  return new Promise((resolve) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => resolve(s));
  });
}
