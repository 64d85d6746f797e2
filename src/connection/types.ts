/** Privilege escalation for one command; `password` is fed on stdin and never logged. */
export interface Become {
  enabled: boolean;
  user?: string;
  method?: 'sudo';
  password?: string;
}

export interface ExecOptions {
  /** Bytes fed to the command's standard input. */
  stdin?: string | Buffer;
  become?: Become;
  /** Kill the command after this long; the result then has `timedOut: true`. */
  timeoutMs?: number;
  cwd?: string;
  env?: Record<string, string>;
}

/** The same shape for success and failure, as execa does it. */
export interface ExecResult {
  rc: number;
  stdout: string;
  stderr: string;
  durationMs: number;
  timedOut?: boolean;
}

export interface PutOptions {
  /** Octal string such as '0644'. */
  mode?: string;
  owner?: string;
  group?: string;
  become?: Become;
}

/**
 * How tasks reach a host. Every module talks to a host only through this, so local (child_process)
 * and SSH (node-ssh) connections are interchangeable.
 */
export interface Connection {
  /** The inventory name of the host. */
  readonly host: string;
  /** Runs a command through `sh -c` on the host (with sudo when `become` is set). */
  exec(command: string, opts?: ExecOptions): Promise<ExecResult>;
  /**
   * Writes a file whole or not at all: a temporary file beside `dest`, checked on the host against the
   * size and sha256 sent, mode and owner set, then renamed. Throws (and leaves `dest` alone) otherwise.
   */
  put(dest: string, content: string | Buffer, opts?: PutOptions): Promise<void>;
  /** Reads a whole file, or undefined when it does not exist. */
  get(path: string, opts?: { become?: Become }): Promise<Buffer | undefined>;
  /**
   * Reads file state in-process on the host (SFTP), without starting a program there, when commands under
   * `become` run as the login user; undefined otherwise (commands under sudo read as another user).
   */
  files?(become?: Become): FileReader | undefined;
  /** After an interrupt: stop this run's commands on the host and remove its temporary files (bounded in time). */
  interrupt?(): Promise<void>;
  close(): Promise<void>;
}

/** -vvv and -vvvv detail about a connection (level 3: commands and connections; 4: SSH's own), masked by the output. */
export type Trace = (level: 3 | 4, text: string) => void;

/** Raised by a connection that cannot reach its host; the executor marks the host UNREACHABLE. */
export class UnreachableError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'UnreachableError';
  }
}

/** What SFTP tells of a path: no inode, device or owner name. */
export interface PathAttrs {
  /** st_mode: the type bits and the permission bits. */
  mode: number;
  uid: number;
  gid: number;
  size: number;
  mtime: number;
}

/**
 * File reads as the login user that start no program on the host. Each method resolves to undefined when the
 * path does not exist and throws on anything else (permission denied, a loop, a lost connection).
 */
export interface FileReader {
  lstat(path: string): Promise<PathAttrs | undefined>;
  stat(path: string): Promise<PathAttrs | undefined>;
  readlink(path: string): Promise<string | undefined>;
  realpath(path: string): Promise<string | undefined>;
  /** A whole regular file (stat it first: opening a FIFO would block); throws PermissionError when unreadable. */
  read(path: string): Promise<Buffer | undefined>;
}

/** A read refused by the host's permissions, told apart so that a probe can treat the file as unreadable. */
export class PermissionError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PermissionError';
  }
}
