/**
 * Python's urllib.parse.quote: every byte but letters, digits, `_.-~` and the `safe` characters percent-encoded.
 * encodeURIComponent leaves `!'()*` as they are, which Python (and so Jinja's urlencode) encodes.
 */
export function pyQuote(text: string, safe = '/'): string {
  const encoded = encodeURIComponent(text).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  return [...safe].reduce((s, c) => s.replaceAll(pyQuote(c, ''), c), encoded);
}

/** Jinja's urlencode: text quoted with `/` safe; a mapping (or list of pairs) as a query string, `+` for spaces. */
export function jinjaUrlencode(value: unknown): string {
  const plus = (v: unknown) => pyQuote(String(v), '').replaceAll('%20', '+');
  if (typeof value === 'string') return pyQuote(value);
  const pairs = Array.isArray(value) ? (value as unknown[][]) : value !== null && typeof value === 'object' ? Object.entries(value) : undefined;
  if (!pairs) return pyQuote(String(value));
  return pairs.map(([k, v]) => `${plus(k)}=${plus(v)}`).join('&');
}
