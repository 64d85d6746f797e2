import { Type, type Static, type TSchema } from '@sinclair/typebox';
import { EVENT_SCHEMA_VERSION } from './version';

// The one declaration of the `--json` events: the executor's event types derive from these (src/executor/events.ts),
// and docs/events.md and docs/events.schema.json are generated from them (src/events/docs.ts). TypeBox is loaded only
// by the generator and the tests: everything else imports types from here, which the compiler erases.

const opt = <T extends TSchema>(t: T) => Type.Optional(t);

/** What every event carries. */
export const Envelope = {
  schemaVersion: Type.Literal(EVENT_SCHEMA_VERSION, { description: 'The version of this schema. Adding an event type or an optional field keeps it; removing or renaming anything raises it.' }),
  runId: Type.String({ minLength: 1, description: 'The same for every event of one command (a UUID).' }),
  eventId: Type.Integer({ minimum: 1, description: 'Position of the event in the run: 1, 2, 3... in the order written.' }),
  time: Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}\\.\\d{3}Z$', description: 'When the event happened: ISO 8601, UTC, milliseconds.' }),
};

const playId = Type.String({ minLength: 1, description: 'The play: `p1`, `p2`... in the order the plays start.' });
const taskId = Type.String({ minLength: 1, description: 'The task: `t1`, `t2`... in the order the tasks start (handlers and Gathering Facts included).' });
const durationMs = (what: string) => Type.Number({ minimum: 0, description: `Milliseconds ${what}.` });

/** A host's outcome for one task. */
export const HostStatusSchema = Type.Union([
  Type.Literal('ok'), Type.Literal('changed'), Type.Literal('failed'), Type.Literal('skipped'), Type.Literal('unreachable'), Type.Literal('unknown'),
], { description: '`unknown`: in --check, the outcome depends on what the prediction cannot know (msg says why).' });
export type HostStatus = Static<typeof HostStatusSchema>;

const count = (what: string) => Type.Integer({ minimum: 0, description: what });
/** Per-host counts, as the recap shows them. */
export const HostStatsSchema = Type.Object({
  ok: count('Tasks that succeeded (changed ones and ignored failures included, as in Ansible).'),
  changed: count('Tasks that changed something.'),
  unreachable: count('Tasks the host could not be reached for.'),
  failed: count('Tasks that failed (not ignored, not rescued).'),
  skipped: count('Tasks skipped by a condition.'),
  unknown: count('--check: tasks whose outcome could not be predicted.'),
  rescued: count('Failures a `rescue` section handled.'),
  ignored: count('Failures `ignore_errors` turned into ok.'),
}, { additionalProperties: false });
export type HostStats = Static<typeof HostStatsSchema>;

/** The fields of one host's result, shared by the event and the executor's own result type. */
export const HostResultFields = {
  host: Type.String({ description: 'The inventory name of the host.' }),
  status: HostStatusSchema,
  ignored: opt(Type.Boolean({ description: 'A failure that `ignore_errors` turned into ok.' })),
  msg: opt(Type.String({ description: 'Why it failed, was skipped or is unknown; a module\'s message.' })),
  items: opt(Type.Array(Type.Object({
    label: Type.String(),
    status: HostStatusSchema,
    msg: opt(Type.String()),
    debug: opt(Type.Unknown()),
  }), { description: 'Loops: one entry per item, with its label and status.' })),
  result: Type.Record(Type.String(), Type.Unknown(), { description: 'What `register` stores (censored under no_log).' }),
  durationMs: durationMs('the task took on this host'),
  debug: opt(Type.Unknown({ description: 'What a `debug` task printed.' })),
};

const event = <K extends string, P extends Record<string, TSchema>>(type: K, description: string, fields: P) =>
  Type.Object({ type: Type.Literal(type), ...Envelope, ...fields }, { additionalProperties: false, description, title: type });

export const RunStartEvent = event('run_start', 'The command started: what it was asked to do.', {
  command: Type.String({ description: '`playbook`, `adhoc`, `drift` or `apply` (merge writes no run_start).' }),
  playbooks: Type.Array(Type.String(), { description: 'The playbook files (empty for ad-hoc commands).' }),
  check: Type.Boolean({ description: '--check.' }),
  diff: Type.Boolean({ description: '--diff.' }),
  verbosity: Type.Integer({ minimum: 0, description: 'The number of `-v`.' }),
  version: Type.String({ description: 'The version of tsrun.' }),
});
export const PlayStartEvent = event('play_start', 'A play starts.', {
  playId,
  name: Type.String({ description: 'The play\'s name (its hosts pattern when it has none).' }),
  hosts: Type.Array(Type.String(), { description: 'The hosts the play runs on (after --limit and --shard).' }),
});
export const PlayEndEvent = event('play_end', 'A play ended (also when it was ended early).', {
  playId,
  name: Type.String({ description: 'As in play_start.' }),
  durationMs: durationMs('the play took'),
});
export const TaskStartEvent = event('task_start', 'A task, a handler or fact gathering starts on its hosts.', {
  playId,
  taskId,
  name: Type.String({ description: 'As displayed: `role : task name`, rendered.' }),
  hosts: Type.Array(Type.String(), { description: 'The hosts it runs on.' }),
  handler: opt(Type.Boolean()),
  location: opt(Type.String({ description: '`file:line` of the task.' })),
  action: opt(Type.String({ description: 'The module.' })),
  role: opt(Type.String({ description: 'The role the task belongs to.' })),
});
export const HostResultEvent = event('host_result', 'One host finished a task (results come in finishing order).', {
  playId,
  taskId,
  task: Type.String({ description: 'The task name, as in task_start.' }),
  ...HostResultFields,
  diff: opt(Type.String({ description: 'With --diff: unified diffs and readable lines of what changed.' })),
});
export const TaskEndEvent = event('task_end', 'Every host finished the task.', {
  playId,
  taskId,
  name: Type.String({ description: 'As in task_start.' }),
  durationMs: durationMs('from task_start to the last host\'s result'),
});
export const WarningEvent = event('warning', 'Something the run went on despite.', {
  playId: opt(playId),
  taskId: opt(taskId),
  message: Type.String(),
});
export const LogEvent = event('log', 'Detail of a -v level (2 and more): task arguments and paths, commands sent, connection and SSH detail.', {
  playId: opt(playId),
  taskId: opt(taskId),
  level: Type.Integer({ minimum: 2, maximum: 4, description: 'The number of `-v` from which it is shown.' }),
  host: opt(Type.String({ description: 'The host it is about.' })),
  text: Type.String(),
});
export const RecapEvent = event('recap', 'The end of a playbook: every host\'s counts.', {
  stats: Type.Record(Type.String(), HostStatsSchema),
  durationMs: durationMs('the playbook took'),
  shard: opt(Type.Object({ index: Type.Integer({ minimum: 0 }), count: Type.Integer({ minimum: 1 }) }, { description: 'With --shard I/N.' })),
});
const Bar = Type.Object({ host: Type.String(), task: Type.String(), status: Type.String(), startMs: Type.Number(), durationMs: Type.Number(), msg: opt(Type.String()) });
export const TimelineEvent = event('timeline', 'With --timeline FILE: the data of the page, after the recap.', {
  hosts: Type.Array(Type.String()),
  bars: Type.Array(Bar),
  totalMs: Type.Number(),
  slowestTasks: Type.Array(Type.Object({ task: Type.String(), host: Type.String(), durationMs: Type.Number() })),
  slowestHosts: Type.Array(Type.Object({ host: Type.String(), durationMs: Type.Number() })),
});
export const DriftEvent = event('drift', '`tsrun drift --json`: after the recap, what the check found on every host.', {
  hosts: Type.Record(Type.String(), Type.Object({
    state: Type.Union([Type.Literal('in-sync'), Type.Literal('drifted'), Type.Literal('unknown'), Type.Literal('failed'), Type.Literal('unreachable')], {
      description: 'in-sync: nothing would change; drifted: some task would change; unknown: nothing predicted to change, but some task\'s outcome cannot be known in check mode; failed/unreachable: the check could not finish.',
    }),
    pending: Type.Array(Type.Object({ task: Type.String(), msg: opt(Type.String()) }), { description: 'The tasks that would change, with what they would do.' }),
    unknown: Type.Array(Type.Object({ task: Type.String(), msg: opt(Type.String()) }), { description: 'The tasks whose outcome cannot be predicted, with why.' }),
    error: opt(Type.String({ description: 'Why the check could not finish on this host.' })),
  })),
});
export const ErrorEvent = event('error', 'The command stopped on an error (bad input: exit 4); nothing after it.', {
  code: Type.String({ description: 'The error\'s kind: SCHEMA, YAML, UNDEFINED, NOT_FOUND, USAGE...' }),
  message: Type.String(),
  exitCode: Type.Integer({ description: 'The exit code the command ends with.' }),
  location: opt(Type.Object({ file: Type.String(), line: Type.Integer(), col: Type.Integer() }, { description: 'Where in the input.' })),
  task: opt(Type.String()),
  expected: opt(Type.String({ description: 'What was expected instead.' })),
});

/** Every event type, in the order the documentation lists them. */
export const EVENT_SCHEMAS = [
  RunStartEvent, PlayStartEvent, TaskStartEvent, HostResultEvent, TaskEndEvent, PlayEndEvent, RecapEvent, WarningEvent, LogEvent,
  TimelineEvent, DriftEvent, ErrorEvent,
] as const;

/** Any event, as written on a `--json` line. */
export const EventSchema = Type.Union([...EVENT_SCHEMAS], { title: 'tsrun --json event', description: `One line of tsrun --json output (schema version ${EVENT_SCHEMA_VERSION}).` });
export type WireEvent = Static<typeof EventSchema>;

/** The fields stamped on every event as it is written, and the ids of its play and task. */
/** The envelope alone. */
export const EnvelopeSchema = Type.Object(Envelope);
export type Stamp = Static<typeof EnvelopeSchema> & { playId?: string; taskId?: string };
