import { quote } from '../connection/shell';
import { TsrunError } from '../core/errors';
import { hostExec, keyValues, reason } from './sys/exec';
import { defineModule } from './types';
import { arg, argsSchema, optional, type ArgsOf } from './schema';

type WaitForArgs = ArgsOf<typeof Args>;

/** A sh condition that is true when the awaited thing is there (port open, file present, regex found). */
function probe(a: WaitForArgs): string {
  if (a.port !== undefined) {
    const h = quote(a.host);
    // bash's /dev/tcp needs no extra tool; nc is the fallback for hosts without bash.
    return `probe() { if [ -n "$BASH_OK" ]; then $TMO bash -c 'exec 3<>/dev/tcp/'${h}'/${a.port}' 2>/dev/null; else nc -z -w ${a.connect_timeout} ${h} ${a.port} 2>/dev/null; fi; }`;
  }
  const p = quote(a.path!);
  if (a.search_regex) return `probe() { [ -f ${p} ] && grep -Eq -- ${quote(a.search_regex)} ${p} 2>/dev/null; }`;
  return `probe() { [ -e ${p} ]; }`;
}

/** The bounded polling loop, run on the host in one exec. Pure, for tests. */
export function waitScript(a: WaitForArgs): string {
  const wantUp = a.state === 'started' || a.state === 'present';
  return [
    'BASH_OK=; command -v bash >/dev/null 2>&1 && BASH_OK=1',
    `TMO=; command -v timeout >/dev/null 2>&1 && TMO="timeout ${a.connect_timeout}"`,
    a.port !== undefined ? `[ -n "$BASH_OK" ] || command -v nc >/dev/null 2>&1 || { echo "wait_for: the host has neither bash nor nc to test ports" >&2; exit 2; }` : '',
    probe(a),
    'start=$(date +%s)',
    a.delay > 0 ? `sleep ${a.delay}` : '',
    `end=$((start + ${a.delay} + ${a.timeout}))`,
    'while :; do',
    `  if ${wantUp ? 'probe' : '! probe'}; then echo "elapsed=$(( $(date +%s) - start ))"; exit 0; fi`,
    '  [ "$(date +%s)" -ge "$end" ] && { echo "elapsed=$(( $(date +%s) - start ))"; exit 1; }',
    `  sleep ${a.sleep}`,
    'done',
  ].filter(Boolean).join('\n');
}

function what(a: WaitForArgs): string {
  if (a.port !== undefined) return `${a.host}:${a.port}${a.state === 'stopped' || a.state === 'absent' ? ' to stop' : ''}`;
  if (a.search_regex) return `search string ${a.search_regex} in ${a.path}`;
  return `file ${a.path}${a.state === 'absent' ? ' to be absent' : ''}`;
}

/** The arguments, declared once: their type, checks and documentation. */
const Args = argsSchema({
  host: arg.str('Host to test the port on, as seen from the managed host.', { default: '127.0.0.1' }),
  port: optional(arg.int('TCP port to wait for.')),
  path: optional(arg.path('File to wait for.')),
  state: arg.choice(['started', 'stopped', 'present', 'absent'], 'started/present: wait until there; stopped/absent: until gone.', { default: 'started' }),
  timeout: arg.int('Seconds to wait at most.', { default: 300 }),
  delay: arg.int('Seconds to wait before the first check.', { default: 0 }),
  sleep: arg.int('Seconds between checks.', { default: 1 }),
  connect_timeout: arg.int('Seconds a port check may take.', { default: 5 }),
  search_regex: optional(arg.str('Extended regular expression that must appear in path.')),
  msg: optional(arg.str('Failure message instead of the default.')),
});

/** Waits on the host for a port to open or close, or a file to appear (with content) or disappear. */
export const wait_for = defineModule(Args, {
  name: 'wait_for',
  returns: {
    elapsed: { type: 'int', returned: 'always', description: 'Seconds waited.', sample: 3 },
    state: { type: 'str', returned: 'always', description: 'The state waited for.', sample: 'started' },
    port: { type: 'int', returned: 'with port', description: 'The port waited on.', sample: 22 },
    path: { type: 'str', returned: 'with path', description: 'The file waited on.', sample: '/var/run/app.pid' },
  },
  summary: 'Wait for a port, a file or a string in a file',
  description:
    'Polls on the host in one bounded sh loop: a TCP port through bash /dev/tcp (or nc), a path with [ -e ] and grep -E for search_regex. ' +
    'Never changes anything, so it also runs in check mode.',
  examples: '- wait_for:\n    port: 8080\n    timeout: 30\n- wait_for:\n    path: /var/log/app.log\n    search_regex: "started in [0-9]+ ms"',
  async run(ctx, args) {
    if ((args.port === undefined) === (args.path === undefined)) {
      throw new TsrunError('SCHEMA', 'wait_for: give exactly one of port or path', { expected: 'port: N or path: /file' });
    }
    if (args.search_regex && args.port !== undefined) {
      throw new TsrunError('SCHEMA', 'wait_for: search_regex works with path only in tsrun', { expected: 'path with search_regex' });
    }
    if (!/^[A-Za-z0-9_.:-]+$/.test(args.host)) throw new TsrunError('SCHEMA', `wait_for: "${args.host}" is not a host name or address`, { expected: 'e.g. 127.0.0.1 or db.example.com' });
    const budget = (args.delay + args.timeout + args.connect_timeout + 10) * 1000;
    const started = Date.now();
    const r = await hostExec(ctx, waitScript(args), { timeoutMs: ctx.timeoutMs ? Math.min(ctx.timeoutMs, budget) : budget });
    const elapsed = Number(keyValues(r.stdout).get('elapsed') ?? Math.round((Date.now() - started) / 1000));
    const data: Record<string, unknown> = { elapsed, state: args.state, ...(args.port !== undefined ? { port: args.port } : { path: args.path }) };
    if (r.rc === 0) return { changed: false, msg: `waited ${elapsed} s for ${what(args)}`, data };
    if (r.rc === 1 && !r.timedOut) return { changed: false, failed: true, msg: args.msg ?? `Timeout when waiting for ${what(args)}`, data };
    return { changed: false, failed: true, msg: `wait_for ${what(args)}: ${reason(r)}`, data };
  },
});
