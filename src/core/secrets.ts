import { pyQuote } from './url-quote';

/** What a secret value is replaced with, wherever it appears. */
export const MASK = '********';

/** Shorter values are not masked: masking "1" or "no" would blank the output, not protect anything. */
const MIN_LENGTH = 3;

/**
 * The run's secret values, masked by value in every output channel, as CI systems mask logs.
 * A value is registered with its URL-encoded and JSON-escaped forms, and a URL's password on its own.
 */
export class Secrets {
  private readonly values = new Set<string>();
  private pattern?: RegExp;

  /** Registers a secret: a string or number, or every string inside a list or mapping. */
  add(value: unknown): void {
    if (value === undefined || value === null || typeof value === 'boolean') return;
    if (Array.isArray(value)) return value.forEach((v) => this.add(v));
    if (typeof value === 'object') return Object.values(value).forEach((v) => this.add(v));
    const text = String(value);
    if (text.length < MIN_LENGTH || this.values.has(text)) return;
    for (const form of forms(text)) if (form.length >= MIN_LENGTH) this.values.add(form);
    for (const part of urlSecrets(text)) this.add(part);
    this.pattern = undefined;
  }

  /** Whether any secret is known (output can skip masking when none is). */
  get empty(): boolean {
    return this.values.size === 0;
  }

  /** The text with every secret replaced by the mask. */
  mask(text: string): string {
    if (this.values.size === 0 || text.length < MIN_LENGTH) return text;
    // longest first, so a secret that contains another is masked whole
    this.pattern ??= new RegExp([...this.values].sort((a, b) => b.length - a.length).map(escape).join('|'), 'g');
    return text.replace(this.pattern, MASK);
  }

  /** A copy of a value (an event, a result) with every string in it masked, keys included. */
  maskDeep<T>(value: T): T {
    if (this.values.size === 0) return value;
    return this.walk(value) as T;
  }

  private walk(value: unknown): unknown {
    if (typeof value === 'string') return this.mask(value);
    if (Array.isArray(value)) return value.map((v) => this.walk(v));
    if (value && typeof value === 'object' && !Buffer.isBuffer(value)) {
      return Object.fromEntries(Object.entries(value).map(([k, v]) => [this.mask(k), this.walk(v)]));
    }
    return value;
  }
}

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** The forms a value takes in output: as is, URL-encoded (JavaScript's and Python's flavours), and escaped inside a JSON string. */
function forms(text: string): string[] {
  return [...new Set([text, encodeURIComponent(text), encodeURI(text), pyQuote(text), pyQuote(text, ''), JSON.stringify(text).slice(1, -1)])];
}

/** The password (and user:password) of a URL such as http://u:SECRET@proxy:3128, decoded. */
function urlSecrets(text: string): string[] {
  const m = /^[a-z][a-z0-9+.-]*:\/\/([^/@\s]*)@/i.exec(text);
  if (!m) return [];
  const colon = m[1].indexOf(':');
  if (colon < 0) return [];
  const raw = m[1].slice(colon + 1);
  let decoded = raw;
  try {
    decoded = decodeURIComponent(raw);
  } catch {
    // not valid percent-encoding: the raw form is the secret
  }
  return [...new Set([raw, decoded])];
}

/** The process's secrets: filled by the executor and the connection options, read by every output. */
export const runSecrets = new Secrets();
