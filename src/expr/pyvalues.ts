import { isMapping } from './values';

/** A name or attribute that was not found: Jinja's Undefined, carrying what was asked for. */
export class Undef {
  constructor(readonly name: string, readonly why?: string) {}

  /** The message an undefined value gives when it is used. */
  get message(): string {
    return this.why ? `undefined variable '${this.name}': ${this.why}` : `undefined variable '${this.name}'`;
  }
}

function reprString(s: string): string {
  const quote = s.includes("'") && !s.includes('"') ? '"' : "'";
  const body = s.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/\t/g, '\\t').replace(/\r/g, '\\r');
  return quote + (quote === "'" ? body.replace(/'/g, "\\'") : body) + quote;
}

/** Python's repr of a value, as Jinja prints lists and mappings inside text: `['a', 1, True, None]`. */
export function pyRepr(value: unknown): string {
  if (typeof value === 'string') return reprString(value);
  if (Array.isArray(value)) return `[${value.map(pyRepr).join(', ')}]`;
  if (isMapping(value)) return `{${Object.entries(value).map(([k, v]) => `${reprString(k)}: ${pyRepr(v)}`).join(', ')}}`;
  return pyStr(value);
}

/** Python's str of a value: what `{{ x }}` prints inside text. */
export function pyStr(value: unknown): string {
  if (value === null || value === undefined) return 'None';
  if (value === true) return 'True';
  if (value === false) return 'False';
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : value > 0 ? 'inf' : value < 0 ? '-inf' : 'nan';
  if (typeof value === 'string') return value;
  return pyRepr(value);
}

/** Python's json.dumps: `{"a": 1, "b": [1, 2]}` (spaces after separators, as Ansible's to_json). */
export function pyJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(pyJson).join(', ')}]`;
  if (isMapping(value)) return `{${Object.entries(value).map(([k, v]) => `${JSON.stringify(k)}: ${pyJson(v)}`).join(', ')}}`;
  return JSON.stringify(value ?? null);
}

/** Python's `%` formatting (`'%s-%05d' % (a, b)`), for the format filter and the `%` operator on text. */
export function percentFormat(fmt: string, args: unknown[]): string {
  let i = 0;
  return fmt.replace(/%([-+ 0#]*)(\d+)?(?:\.(\d+))?([sdifrxXoeEgG%])/g, (_m, flags: string, width?: string, prec?: string, conv?: string) => {
    if (conv === '%') return '%';
    const v = args[i++];
    let out: string;
    switch (conv) {
      case 'd': case 'i': out = String(Math.trunc(Number(v))); break;
      case 'f': out = Number(v).toFixed(prec ? Number(prec) : 6); break;
      case 'e': case 'E': out = Number(v).toExponential(prec ? Number(prec) : 6); if (conv === 'E') out = out.toUpperCase(); break;
      case 'g': case 'G': out = String(Number(v)); break;
      case 'x': out = Math.trunc(Number(v)).toString(16); break;
      case 'X': out = Math.trunc(Number(v)).toString(16).toUpperCase(); break;
      case 'o': out = Math.trunc(Number(v)).toString(8); break;
      case 'r': out = pyRepr(v); break;
      default: out = pyStr(v); if (prec) out = out.slice(0, Number(prec));
    }
    if (flags.includes('+') && /^[dif]$/.test(conv ?? '') && Number(v) >= 0) out = `+${out}`;
    const w = width ? Number(width) : 0;
    if (out.length < w) {
      if (flags.includes('-')) out = out.padEnd(w);
      else if (flags.includes('0') && conv !== 's') out = out.startsWith('-') ? `-${out.slice(1).padStart(w - 1, '0')}` : out.padStart(w, '0');
      else out = out.padStart(w);
    }
    return out;
  });
}
