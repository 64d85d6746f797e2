import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { EVENT_SCHEMAS, EventSchema, Envelope } from './schema';
import { EVENT_SCHEMA_VERSION } from './version';

// docs/events.md and docs/events.schema.json, generated from the declarations in ./schema.ts
// (`npx tsx src/events/docs.ts`; a unit test fails when the committed files are out of date).

interface Json {
  type?: string;
  const?: unknown;
  anyOf?: Json[];
  items?: Json;
  properties?: Record<string, Json>;
  patternProperties?: Record<string, Json>;
  required?: string[];
  description?: string;
  title?: string;
  minimum?: number;
  maximum?: number;
  pattern?: string;
}

/** The JSON Schema of every event (draft-07), as written to docs/events.schema.json. */
export function eventsJsonSchema(): string {
  return `${JSON.stringify({ $schema: 'http://json-schema.org/draft-07/schema#', ...plain(EventSchema) }, null, 2)}\n`;
}

/** A schema without TypeBox's symbols: what JSON keeps of it. */
function plain(schema: unknown): Json {
  return JSON.parse(JSON.stringify(schema)) as Json;
}

/** A field's type, read as a person would write it. */
function typeText(s: Json): string {
  if (s.const !== undefined) return `\`${JSON.stringify(s.const)}\``;
  if (s.anyOf) return s.anyOf.map(typeText).join(' \\| ');
  if (s.type === 'array') return `${s.items ? typeText(s.items) : 'any'}[]`;
  if (s.type === 'object' && s.patternProperties) return `map of ${typeText(Object.values(s.patternProperties)[0])}`;
  if (s.type === 'object') return `{${Object.keys(s.properties ?? {}).map((k) => `${k}${s.required?.includes(k) ? '' : '?'}`).join(', ')}}`;
  return s.type ?? 'any';
}

function fieldRows(obj: Json, skip: Set<string>): string[] {
  return Object.entries(obj.properties ?? {})
    .filter(([name]) => !skip.has(name))
    .map(([name, s]) => `| \`${name}\` | ${typeText(s)} | ${obj.required?.includes(name) ? 'yes' : ''} | ${(s.description ?? '').replaceAll('|', '\\|')} |`);
}

/** docs/events.md. */
export function eventsMarkdown(): string {
  const envelope = new Set([...Object.keys(Envelope), 'type']);
  const sample = plain(EVENT_SCHEMAS[0]);
  const head = [
    '# `--json` events',
    '',
    'Generated from the event declarations in `src/events/schema.ts` by `npx tsx src/events/docs.ts`; do not edit by hand.',
    `The same declarations give the JSON Schema [events.schema.json](events.schema.json) (draft-07). Schema version: **${EVENT_SCHEMA_VERSION}**.`,
    '',
    '`tsrun playbook --json` and `tsrun adhoc --json` write one JSON object per line on stdout and nothing else there;',
    '`--json-file FILE` writes the same lines to a file (`drift`, `apply` and `merge` with `--json` write these events too,',
    'without `run_start`). Events come in the order things happen: `run_start`, then for each play `play_start`, for each task `task_start`, one `host_result` per host in finishing',
    'order, `task_end`; then `play_end`; `recap` at the end of each playbook. `log` lines appear only with `-vv` and more,',
    '`warning` whenever something is worth saying. A command that stops on an error (bad input, exit 4) writes an',
    '`error` event as its last line, also when nothing else was written yet.',
    '',
    'Versioning: an event type or an optional field may be added without changing `schemaVersion`; removing or renaming',
    'a field or a type, or changing its meaning, raises it. Readers should ignore event types they do not know.',
    'Secrets are masked (`********`) in every field, as in the other outputs.',
    '',
    '## Fields of every event',
    '',
    '| field | type | always | meaning |',
    '| --- | --- | --- | --- |',
    `| \`type\` | string | yes | The event type: one of the sections below. |`,
    ...fieldRows(sample, new Set(Object.keys(sample.properties ?? {}).filter((k) => !envelope.has(k) || k === 'type'))),
    '',
    'Durations (`durationMs`) are milliseconds, on the events where something ends: `host_result` (the task on one host),',
    '`task_end`, `play_end`, `recap` (the playbook).',
  ];
  const sections = EVENT_SCHEMAS.map((schema) => {
    const s = plain(schema);
    return [`## ${s.title}`, '', s.description ?? '', '', '| field | type | always | meaning |', '| --- | --- | --- | --- |', ...fieldRows(s, envelope)].join('\n');
  });
  return `${[...head, '', ...sections.flatMap((s) => [s, ''])].join('\n').trimEnd()}\n`;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  writeFileSync(new URL('../../docs/events.md', import.meta.url), eventsMarkdown());
  writeFileSync(new URL('../../docs/events.schema.json', import.meta.url), eventsJsonSchema());
}
