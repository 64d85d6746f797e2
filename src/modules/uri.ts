import { TsrunError } from '../core/errors';
import { curlConfig, parseHeaders } from './sys/curl';
import { hostExec, reason } from './sys/exec';
import { stateModule, type ModuleContext, type ModuleResult } from './types';
import { arg, argsSchema, optional, type ArgsOf } from './schema';

type UriArgs = ArgsOf<typeof Args>;

/** Runs curl with its config on stdin, then prints the exit code, status line, headers and body in marked sections. */
const SCRIPT = [
  "command -v curl >/dev/null 2>&1 || { echo 'curl is not installed on the host' >&2; exit 127; }",
  't=$(mktemp -d) || exit 1',
  `trap 'rm -rf "$t"' EXIT`,
  `curl -K - -D "$t/h" -o "$t/b" -w '%{http_code} %{num_redirects} %{url_effective}' > "$t/w" 2> "$t/e"; rc=$?`,
  'echo "@rc $rc $(cat "$t/w")"; cat "$t/e"; echo; echo @headers; cat "$t/h"; echo; echo @body; cat "$t/b"',
].join('\n');

/** Encodes the body as body_format says, and the Content-Type that goes with it unless headers set one. */
export function encodeBody(body: unknown, format: UriArgs['body_format']): { body?: string; contentType?: string } {
  if (body === undefined) return {};
  if (format === 'json') return { body: typeof body === 'string' ? body : JSON.stringify(body), contentType: 'application/json' };
  if (format === 'form-urlencoded') {
    if (typeof body === 'string') return { body, contentType: 'application/x-www-form-urlencoded' };
    const pairs = Array.isArray(body) ? (body as [string, unknown][]) : Object.entries(body as Record<string, unknown>);
    return { body: new URLSearchParams(pairs.map(([k, v]) => [k, String(v)])).toString(), contentType: 'application/x-www-form-urlencoded' };
  }
  return { body: typeof body === 'string' ? body : JSON.stringify(body) };
}

/** Accepts status_code as Ansible does: one number, a list, or a comma-separated string. */
function statusCodes(raw: unknown): number[] {
  const list = Array.isArray(raw) ? raw : typeof raw === 'string' ? raw.split(',') : [raw];
  const codes = list.map((c) => Number(String(c).trim()));
  if (codes.some((c) => !Number.isInteger(c) || c < 100 || c > 599)) {
    throw new TsrunError('SCHEMA', `uri: status_code must be HTTP status numbers, got ${JSON.stringify(raw)}`, { expected: 'e.g. 200 or [200, 201]' });
  }
  return codes;
}

/** Splits the script's output into curl's exit code, status, redirects, effective URL, error, headers and body. */
export function parseUriOutput(out: string): { rc: number; status: number; redirects: number; url: string; error: string; headers: Record<string, string>; body: string } {
  const h = out.indexOf('\n@headers\n');
  const b = out.indexOf('\n@body\n', h);
  const [first, ...errLines] = out.slice(0, h < 0 ? out.length : h).split('\n');
  const [, rc, status, redirects, url] = /^@rc (\d+) (\d+)? ?(\d+)? ?(.*)$/.exec(first) ?? [];
  return {
    rc: Number(rc ?? 1),
    status: Number(status ?? 0),
    redirects: Number(redirects ?? 0),
    url: url ?? '',
    error: errLines.join('\n').trim(),
    headers: h < 0 ? {} : parseHeaders(out.slice(h + 10, b < 0 ? undefined : b)),
    body: b < 0 ? '' : out.slice(b + 7),
  };
}

/** The arguments, declared once: their type, checks and documentation. */
const Args = argsSchema({
  url: arg.str('The URL to request.'),
  method: arg.str('HTTP method (GET, POST, PUT, DELETE, PATCH, HEAD...).', { default: 'GET' }),
  body: optional(arg.raw('Request body; a mapping or list with body_format json or form-urlencoded.')),
  body_format: arg.choice(['raw', 'json', 'form-urlencoded'], 'How to encode body (json also sets Content-Type).', { default: 'raw' }),
  headers: optional(arg.dict('Extra HTTP headers.')),
  status_code: arg.raw('Status code(s) that mean success: one number or a list.', { default: [200] }),
  return_content: arg.bool('Return the body as content (and json when it is JSON).', { default: false }),
  timeout: arg.int('Timeout of the request in seconds.', { default: 30 }),
  validate_certs: arg.bool('Verify TLS certificates.', { default: true }),
  url_username: optional(arg.str('User name for HTTP authentication.', { aliases: ['user'] })),
  url_password: optional(arg.str('Password for HTTP authentication.', { aliases: ['password'], noLog: true })),
  force_basic_auth: arg.bool('Send Basic credentials with the first request.', { default: false }),
  follow_redirects: arg.choice(['all', 'safe', 'none', 'urllib2', 'yes', 'no'], 'Follow redirects: all, safe (only GET/HEAD) or none.', { default: 'safe' }),
});

/** The request as the arguments ask for it, checked before anything is sent. */
interface UriRequest {
  codes: number[];
  method: string;
  safe: boolean;
}

function request(args: UriArgs): UriRequest {
  const codes = statusCodes(args.status_code);
  const method = args.method.toUpperCase();
  if (!/^[A-Z]+$/.test(method)) throw new TsrunError('SCHEMA', `uri: invalid method "${args.method}"`, { expected: 'GET, POST, PUT, DELETE, PATCH, HEAD, OPTIONS...' });
  return { codes, method, safe: method === 'GET' || method === 'HEAD' };
}

/** uri: sends an HTTP request from the host with curl and checks its status. */
export const uri = stateModule<UriArgs, UriRequest, UriRequest>({
  name: 'uri',
  schema: Args,
  // as Ansible's uri (supports_check_mode=False): check mode skips it, GET included
  checkMode: false,
  returns: {
    status: { type: 'int', returned: 'always', description: 'The HTTP status (-1 when no answer came).', sample: 200 },
    url: { type: 'str', returned: 'always', description: 'The URL of the final response, after redirects.', sample: 'https://example.org/' },
    redirected: { type: 'bool', returned: 'always', description: 'Whether a redirect was followed.', sample: false },
    headers: { type: 'dict', returned: 'always', description: 'Response headers, lower-case names (each also returned on its own, with - as _).', sample: { 'content-type': 'text/html' } },
    elapsed: { type: 'int', returned: 'always', description: 'Seconds the request took.', sample: 0 },
    content: { type: 'str', returned: 'with return_content', description: 'The response body.', sample: '{"ok": true}' },
    json: { type: 'raw', returned: 'with return_content and a JSON body', description: 'The body, parsed.', sample: { ok: true } },
  },
  summary: 'Interact with HTTP(S) web services from the host',
  description:
    'Runs curl on the host (proxy variables come from the task environment). Fails when the status is not in status_code. ' +
    'Reports changed=false, as Ansible does. Like Ansible\'s uri it has no check mode: in check mode the task is skipped and no request is sent, GET included.',
  examples: '- uri:\n    url: http://localhost:8080/health\n    return_content: yes\n  register: health',
  read: async (_ctx, args) => request(args),
  // what the server answers is known only by asking: the request always runs (and is never a change, as in Ansible)
  plan: (req) => ({ changed: false, diff: [], change: req, pending: true }),
  apply: async (ctx, args, _plan, req) => ({ result: await send(ctx, args, req) }),
});

/** Sends the request from the host with curl and judges its status. */
async function send(ctx: ModuleContext, args: UriArgs, { codes, method, safe }: UriRequest): Promise<ModuleResult> {
  const { body, contentType } = encodeBody(args.body, args.body_format);
  const headers = Object.fromEntries(Object.entries(args.headers ?? {}).map(([k, v]) => [k, String(v)]));
  if (contentType && !Object.keys(headers).some((k) => k.toLowerCase() === 'content-type')) headers['Content-Type'] = contentType;
  const follow = ['all', 'yes', 'urllib2'].includes(args.follow_redirects) || (args.follow_redirects === 'safe' && safe);
  const config = curlConfig({
    url: args.url, method, headers, body, user: args.url_username, password: args.url_password, basicAuth: args.force_basic_auth,
    timeoutS: args.timeout, validateCerts: args.validate_certs, followRedirects: follow,
  });
  const started = Date.now();
  const r = await hostExec(ctx, SCRIPT, { stdin: config });
  if (!r.stdout.startsWith('@rc ')) return { changed: false, failed: true, msg: `uri: ${reason(r)}` };
  const o = parseUriOutput(r.stdout);
  const flat = Object.fromEntries(Object.entries(o.headers).map(([k, v]) => [k.replace(/-/g, '_'), v]));
  const data: Record<string, unknown> = {
    ...flat, status: o.rc === 0 ? o.status : -1, url: o.url || args.url, redirected: o.redirects > 0, headers: o.headers,
    elapsed: Math.round((Date.now() - started) / 1000), msg: o.rc === 0 ? `OK (${Buffer.byteLength(o.body)} bytes)` : `Request failed: ${o.error}`,
  };
  if (args.return_content) {
    data.content = o.body;
    if (/[/+]json\b/.test(o.headers['content-type'] ?? '')) {
      try {
        data.json = JSON.parse(o.body);
      } catch {
        // A server that labels a non-JSON body as JSON: content still carries it.
      }
    }
  }
  if (o.rc !== 0 || !codes.includes(o.status)) {
    const why = o.rc !== 0 ? `Request failed: ${o.error || `curl exit ${o.rc}`}` : `HTTP Error ${o.status}`;
    return { changed: false, failed: true, msg: `Status code was ${data.status} and not [${codes.join(', ')}]: ${why}`, data };
  }
  return { changed: false, msg: data.msg as string, data };
}
