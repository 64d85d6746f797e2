import { posix } from 'node:path';
import type { PasswdEntry } from '../core/passwd';

/** What an earlier task of a --check run would have made a path. Undefined attributes keep the host's own. */
export interface ModelPath {
  type: 'file' | 'directory' | 'link' | 'absent';
  mode?: string;
  owner?: string;
  group?: string;
  /** A file's predicted content; undefined keeps the host's (an attribute-only change). */
  content?: Buffer;
  /** Set when the content cannot be predicted (a hard link to a file the host does not have yet): why. */
  unknownContent?: string;
  /** A symbolic link's target, verbatim. */
  linkTarget?: string;
  /** The task that made this prediction. */
  by: string;
}

/** A service as an earlier task would have left it. */
export interface ModelService {
  running?: boolean;
  enabled?: boolean;
  by: string;
}

/** A user as an earlier task would have left it: present with its passwd entry, or removed. */
export interface ModelUser {
  present: boolean;
  /** The predicted passwd entry; a negative uid or gid is one the host chooses when the real run creates it. */
  entry?: PasswdEntry;
  /** Its supplementary groups. */
  groups?: string[];
  /** The password hash set, when a task sets one. */
  hash?: string;
  /** Whether its home directory exists. */
  homeExists?: boolean;
  by: string;
}

/** A group as an earlier task would have left it. */
export interface ModelGroup {
  present: boolean;
  /** Its gid; negative when the host chooses it in the real run. */
  gid?: number;
  by: string;
}

/**
 * One host's model of what the earlier tasks of a --check run would have changed: modules read through it before
 * reading the host, so later tasks predict against the state the real run would meet.
 */
export class HostModel {
  private readonly paths = new Map<string, ModelPath>();
  /** Packages an earlier task would install (true) or remove (false), with the task. */
  readonly packages = new Map<string, { present: boolean; by: string }>();
  readonly services = new Map<string, ModelService>();
  /** Users an earlier task would create, change or remove, by name. */
  readonly users = new Map<string, ModelUser>();
  /** Groups an earlier task would create, change or remove, by name. */
  readonly groups = new Map<string, ModelGroup>();
  /** Registered variables whose value is unknown in check mode, with the reason. */
  readonly unknownVars = new Map<string, string>();
  /** Handler names notified by a task whose outcome is unknown, with the reason. */
  readonly unknownNotified = new Map<string, string>();
  /** How many tasks were unknown on this host so far. */
  unknownTasks = 0;
  /** The task running now, named in the predictions it makes. */
  task = '';
  private lastPlaceholder = 0;

  /** A uid or gid for an account the real run creates and the host numbers: negative, and unique on this host. */
  placeholderId(): number {
    return --this.lastPlaceholder;
  }

  /** The prediction for a path: its own, or absent when an ancestor would be removed; undefined when the model has none. */
  lookup(path: string): ModelPath | undefined {
    const p = posix.normalize(path);
    const own = this.paths.get(p);
    if (own) return own;
    for (let d = posix.dirname(p); ; d = posix.dirname(d)) {
      const up = this.paths.get(d);
      if (up && up.type !== 'directory') return { type: 'absent', by: up.by };
      if (d === '/' || d === '.') return undefined;
    }
  }

  /**
   * Resolves the symbolic links the model predicts, as the host would once the earlier tasks ran: in every directory
   * of the path, and in its last part too when `follow`.
   */
  resolve(path: string, follow: boolean): string {
    let hops = 0;
    const walk = (p: string, last: boolean): string => {
      const norm = posix.normalize(p);
      if (norm === '/' || norm === '.') return norm;
      const dir = walk(posix.dirname(norm), true);
      const here = posix.join(dir, posix.basename(norm));
      const m = this.lookup(here);
      if (!last || m?.type !== 'link' || m.linkTarget === undefined || ++hops > 40) return here;
      return walk(posix.resolve(dir, m.linkTarget), true);
    };
    return walk(path, follow);
  }

  /** Records what a task would make a path; `mkdirs` also records its missing parents as directories. */
  set(path: string, entry: ModelPath, mkdirs = false): void {
    const p = this.resolve(path, false);
    if (entry.type === 'absent') for (const k of this.paths.keys()) if (k.startsWith(`${p}/`)) this.paths.delete(k);
    const prev = this.paths.get(p);
    // an attribute-only change keeps what an earlier task predicted for the content or target
    this.paths.set(p, prev && prev.type === entry.type ? { ...prev, ...dropUndefined(entry) } : entry);
    if (mkdirs) this.mkdirs(posix.dirname(p), entry.by);
  }

  /** Records a directory and its parents (mkdir -p): parents the host already has keep their attributes. */
  mkdirs(path: string, by: string): void {
    for (let d = posix.normalize(path); d !== '/' && d !== '.'; d = posix.dirname(d)) {
      const cur = this.lookup(d);
      if (cur?.type === 'directory') return;
      this.paths.set(d, { type: 'directory', by });
    }
  }

  /** Packages predicted installed by earlier tasks. */
  installed(): string[] {
    return [...this.packages].filter(([, v]) => v.present).map(([k]) => k);
  }
}

function dropUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}
