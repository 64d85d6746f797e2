/** Options for one curl request, written as a curl config file fed on stdin so secrets stay off the command line. */
export interface CurlRequest {
  url: string;
  method?: string;
  headers?: Record<string, string>;
  body?: string;
  user?: string;
  password?: string;
  /** Send credentials up front (Basic) rather than after a 401. */
  basicAuth?: boolean;
  /** Seconds to connect, and seconds without data before giving up. */
  timeoutS?: number;
  validateCerts?: boolean;
  followRedirects?: boolean;
}

/** Quotes a string for a curl config file. */
export function curlString(s: string): string {
  return `"${s.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n').replace(/\r/g, '\\r').replace(/\t/g, '\\t')}"`;
}

/** The curl config (for `curl -K -`) of a request. Pure, for tests. */
export function curlConfig(req: CurlRequest): string {
  const out = [`url = ${curlString(req.url)}`, 'silent', 'show-error'];
  if (req.method === 'HEAD') out.push('head');
  else if (req.method && req.method !== 'GET') out.push(`request = ${curlString(req.method)}`);
  for (const [k, v] of Object.entries(req.headers ?? {})) out.push(`header = ${curlString(`${k}: ${v}`)}`);
  if (req.body !== undefined) out.push(`data-raw = ${curlString(req.body)}`);
  if (req.user !== undefined) {
    out.push(`user = ${curlString(`${req.user}:${req.password ?? ''}`)}`);
    if (!req.basicAuth) out.push('anyauth');
  }
  // Ansible's timeout is a socket timeout, not a limit on the whole transfer: give up when idle that long.
  if (req.timeoutS) out.push(`connect-timeout = ${req.timeoutS}`, 'speed-limit = 1', `speed-time = ${req.timeoutS}`);
  if (req.validateCerts === false) out.push('insecure');
  if (req.followRedirects) out.push('location', 'max-redirs = 50');
  return `${out.join('\n')}\n`;
}

/** Splits raw response headers (as `curl -D` writes them, one block per redirect) into the last block's status and fields. */
export function parseHeaders(raw: string): Record<string, string> {
  const blocks = raw.replace(/\r/g, '').split(/\n\n+/).filter((b) => b.trim());
  const last = blocks.at(-1) ?? '';
  const headers: Record<string, string> = {};
  for (const line of last.split('\n').slice(1)) {
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    const key = line.slice(0, colon).trim().toLowerCase();
    const value = line.slice(colon + 1).trim();
    headers[key] = key in headers ? `${headers[key]}, ${value}` : value;
  }
  return headers;
}
