import { TsrunError } from '../core/errors';
import { curlConfig } from './sys/curl';
import { hostExec, keyValues, reason } from './sys/exec';
import { parseDestState, planGetUrl, type DestState, type GetUrlChange, type GetUrlPlanArgs } from './sys/get-url-plan';
import { attrsScript, downloadScript, readScript } from './sys/get-url-script';
import { stateModule, type ModuleContext, type ModuleResult } from './types';
import { arg, argsSchema, optional, type ArgsOf } from './schema';

type GetUrlArgs = ArgsOf<typeof Args>;

/** What get_url reads: the destination, or why it could not be inspected. */
interface UrlState {
  dest?: DestState;
  error?: string;
}

const ALGOS = ['md5', 'sha1', 'sha224', 'sha256', 'sha384', 'sha512'];

function parseChecksum(raw: string | undefined): GetUrlPlanArgs['checksum'] {
  if (!raw) return undefined;
  const m = /^(\w+):([0-9a-fA-F]+)$/.exec(raw.trim());
  if (!m || !ALGOS.includes(m[1].toLowerCase())) {
    throw new TsrunError('SCHEMA', `get_url: checksum "${raw}" is not ALGORITHM:HEX`, { expected: `e.g. sha256:9f86d0..., with one of ${ALGOS.join(', ')}` });
  }
  return { algo: m[1].toLowerCase(), hex: m[2].toLowerCase() };
}

/** The file name a directory dest gets: the URL path's last segment, as Ansible does without Content-Disposition. */
function urlFileName(url: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new TsrunError('SCHEMA', `get_url: "${url}" is not a valid URL`, { expected: 'an absolute URL such as https://host/path/file' });
  }
  return decodeURIComponent(parsed.pathname.split('/').pop() || 'index.html');
}

function failure(kind: string, kv: Map<string, string>, s: DestState, a: GetUrlArgs, stderr: string, expect?: string): string {
  if (kind === 'dest') return `Destination directory of ${s.dest} does not exist or is not writable`;
  if (kind === 'http') return `Request failed: HTTP Error ${kv.get('status')} for ${a.url}`;
  if (kind === 'checksum') return `The checksum for ${s.dest} did not match ${expect}; it was ${kv.get('sum')} (the download was discarded)`;
  if (kind === 'attrs') return `Could not set mode/owner/group on ${s.dest}: ${stderr.trim()}`;
  if (kind === 'rename') return `Could not move the download into place at ${s.dest}: ${stderr.trim()}`;
  return `Request failed for ${a.url}: ${stderr.trim() || `exit ${kv.get('rc')}`}`;
}

async function download(ctx: ModuleContext, a: GetUrlArgs, s: DestState, algo: string, expect?: string): Promise<ModuleResult & { same?: boolean }> {
  const headers = Object.fromEntries(Object.entries(a.headers ?? {}).map(([k, v]) => [k, String(v)]));
  const config = curlConfig({
    url: a.url, headers, user: a.url_username, password: a.url_password, basicAuth: a.force_basic_auth,
    timeoutS: a.timeout, validateCerts: a.validate_certs, followRedirects: true,
  });
  const r = await hostExec(ctx, downloadScript(s, a, algo, expect, headers), { stdin: config });
  const kv = keyValues(r.stdout);
  const status = Number(kv.get('status')) || undefined;
  const data = { dest: s.dest, url: a.url, status_code: status, checksum_src: kv.get('sum'), checksum_dest: kv.get('sum'), size: Number(kv.get('size')) || undefined };
  const kind = kv.get('fail') ?? (r.rc !== 0 ? 'download' : undefined);
  if (kind) return { changed: false, failed: true, msg: failure(kind, kv, s, a, r.stderr || reason(r), expect), data };
  return { changed: true, same: kv.get('same') === '1', msg: `OK (${data.size ?? 0} bytes)`, data: { ...data, stat: kv.get('stat') } };
}

/** The arguments, declared once: their type, checks and documentation. */
const Args = argsSchema({
  url: arg.str('The URL to download.'),
  dest: arg.path("Where to save it; a directory gets the URL's file name."),
  checksum: optional(arg.str("Expected digest as 'ALGORITHM:HEX' (e.g. sha256:...); a mismatch fails and keeps nothing.")),
  force: arg.bool('Download every time and replace dest when the content differs.', { default: false }),
  mode: optional(arg.mode('Permissions of dest, e.g. 0644.')),
  owner: optional(arg.str('Owner of dest.')),
  group: optional(arg.str('Group of dest.')),
  timeout: arg.int('Timeout of the request in seconds.', { default: 10 }),
  headers: optional(arg.dict('Extra HTTP headers.')),
  validate_certs: arg.bool('Verify TLS certificates.', { default: true }),
  url_username: optional(arg.str('User name for HTTP authentication.', { aliases: ['username'] })),
  url_password: optional(arg.str('Password for HTTP authentication.', { aliases: ['password'], noLog: true })),
  force_basic_auth: arg.bool('Send Basic credentials with the first request.', { default: false }),
});

/** Downloads a file over HTTP(S) on the host (curl or wget), atomically and idempotently. */
export const get_url = stateModule<GetUrlArgs, UrlState, GetUrlChange>({
  name: 'get_url',
  returns: {
    dest: { type: 'str', returned: 'always', description: 'The file downloaded to.', sample: '/opt/app.tar.gz' },
    url: { type: 'str', returned: 'always', description: 'The URL asked for.', sample: 'https://example.org/app.tar.gz' },
    status_code: { type: 'int', returned: 'when downloaded', description: 'The HTTP status of the download.', sample: 200 },
    checksum_src: { type: 'str', returned: 'when downloaded', description: 'sha1 of the downloaded content.', sample: '6e642bb8dd5c2e027bf21dd923337cbb4214f827' },
    checksum_dest: { type: 'str', returned: 'when downloaded', description: 'sha1 of the file after the task.', sample: '6e642bb8dd5c2e027bf21dd923337cbb4214f827' },
    size: { type: 'int', returned: 'when downloaded', description: 'Size of the download, in bytes.', sample: 1048576 },
  },
  summary: 'Download a file from HTTP, HTTPS or FTP onto the host',
  description:
    'Downloads on the host itself with curl (or wget), honouring proxy variables from the task environment. ' +
    'Skips the download when dest exists (unless force) or when its checksum matches. Downloads go to a temporary file ' +
    'beside dest, are verified against checksum, then renamed into place, so a failed or mismatching download leaves dest untouched.',
  examples: '- get_url:\n    url: https://example.com/app.tar.gz\n    dest: /opt/app.tar.gz\n    checksum: sha256:2c26b46b68ffc68ff99b453c1d30413413422d706483bfa0f98a5e886266e7ae\n    mode: 0644',
  schema: Args,
  async read(ctx, args) {
    const algo = parseChecksum(args.checksum)?.algo ?? 'sha1';
    const r = await hostExec(ctx, readScript(args.dest, urlFileName(args.url), algo));
    if (r.rc !== 0 || !r.stdout.includes('dest=')) return { error: `get_url: could not inspect ${args.dest}: ${reason(r)}` };
    return { dest: parseDestState(r.stdout) };
  },
  plan(state, args) {
    if (!state.dest) return { changed: false, failed: true, diff: [], msg: state.error };
    return planGetUrl(state.dest, { url: args.url, force: args.force, checksum: parseChecksum(args.checksum), mode: args.mode, owner: args.owner, group: args.group });
  },
  async apply(ctx, args, plan, state) {
    const st = state.dest!;
    const base: ModuleResult = { changed: plan.changed, diff: plan.diff, msg: plan.msg, data: plan.data };
    if (!plan.change!.download) {
      const attrs = await hostExec(ctx, attrsScript(st.dest, args));
      return { result: attrs.rc === 0 ? base : { ...base, changed: false, failed: true, msg: `Could not set mode/owner/group on ${st.dest}: ${reason(attrs)}` } };
    }
    if (!st.fetcher) return { result: { ...base, changed: false, failed: true, msg: `get_url: neither curl nor wget is installed on ${ctx.conn.host}` } };
    const checksum = parseChecksum(args.checksum);
    const res = await download(ctx, args, st, checksum?.algo ?? 'sha1', checksum?.hex);
    if (res.failed) return { result: res };
    const attrsChanged = (res.data?.stat as string | undefined) !== [st.mode, st.owner, st.group].join(' ');
    const changed = !res.same || (st.exists && attrsChanged);
    return { result: { changed, diff: changed ? plan.diff : [], msg: changed ? res.msg : `file already up to date: ${st.dest}`, data: res.data } };
  },
});

