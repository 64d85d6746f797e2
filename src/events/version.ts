/** The version of the `--json` event schema (docs/events.md): raised when a field is removed or renamed. */
export const EVENT_SCHEMA_VERSION = 1 as const;
