import { createHash } from 'node:crypto';
import { posix } from 'node:path';
import type { FileState, ProbeRequest, ProbeResult } from '../modules/fs/probe';
import type { HostModel, ModelPath } from './model';
import { Unpredictable } from './unknown';

const DEFAULT_MODE: Record<string, string> = { file: '0644', directory: '0755', link: '0777' };

function parentExists(model: HostModel, path: string, real: boolean | undefined): boolean | undefined {
  const up = model.lookup(posix.dirname(posix.normalize(path)));
  return up === undefined ? real : up.type === 'directory';
}

/** A path's state as the model predicts it, filled from the host's where the prediction leaves an attribute alone. */
function predicted(m: ModelPath, path: string, real: FileState, req: ProbeRequest, who: { user: string; group: string }, model: HostModel): FileState {
  const parent = parentExists(model, path, real.parentExists);
  if (m.type === 'absent') return { path, exists: false, parentExists: parent };
  const base: Partial<FileState> = real.exists && real.type === m.type ? real : {};
  const out: FileState = {
    ...base, path, exists: true, parentExists: parent, type: m.type,
    mode: m.mode ?? base.mode ?? DEFAULT_MODE[m.type], owner: m.owner ?? base.owner ?? who.user, group: m.group ?? base.group ?? who.group,
  };
  if (m.type === 'link') return { ...out, linkTarget: m.linkTarget, realPath: posix.resolve(posix.dirname(path), m.linkTarget ?? '') };
  if (m.type !== 'file') return { ...out, content: undefined, checksum: undefined };
  const wantsBytes = Boolean(req.content || req.checksum);
  if (m.unknownContent && wantsBytes) throw new Unpredictable(m.unknownContent);
  if (m.content !== undefined) {
    return { ...out, size: m.content.length, content: req.content ? m.content : undefined, checksum: createHash('sha1').update(m.content).digest('hex') };
  }
  if (wantsBytes && base.checksum === undefined && base.content === undefined) throw new Unpredictable(`the content of ${path} after task "${m.by}" is not known`);
  return out;
}

/**
 * Reads paths through the model first: a path an earlier task would create, change, link or remove is reported as
 * that task would leave it; the host is read only for what the model does not predict.
 */
export async function overlayProbe(model: HostModel, requests: readonly ProbeRequest[], real: (reqs: readonly ProbeRequest[]) => Promise<ProbeResult>): Promise<ProbeResult> {
  const resolved = requests.map((r) => model.resolve(r.path, Boolean(r.follow)));
  const r = await real(requests.map((q, i) => ({ ...q, path: resolved[i], realDir: true })));
  const files = requests.map((q, i) => {
    const host = { ...r.files[i], path: q.path };
    // the host's own links may lead into what the model predicts (a link made before this run, to a file it rewrites)
    const viaHost = host.realDir === undefined ? resolved[i] : q.follow && host.realPath ? host.realPath : posix.join(host.realDir, posix.basename(resolved[i]));
    if (viaHost !== resolved[i] && model.lookup(resolved[i]) === undefined) resolved[i] = model.resolve(viaHost, Boolean(q.follow));
    const m = model.lookup(resolved[i]);
    if (!m) return { ...host, parentExists: parentExists(model, resolved[i], host.parentExists) };
    const p = predicted(m, q.path, host, q, r, model);
    return p.exists && p.type !== 'link' && resolved[i] !== posix.normalize(q.path) ? { ...p, realPath: resolved[i] } : p;
  });
  return { ...r, files };
}
