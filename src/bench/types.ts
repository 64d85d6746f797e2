import type { Tool } from './tools';

/** The benchmark's cases: fresh hosts, the idempotent re-run, and `--check` on converged hosts. */
export type Case = 'first' | 'rerun' | 'check';

/** One timed run. The raw floor has tool `floor` and case `floor`. */
export interface Sample {
  tool: Tool | 'floor';
  case: Case | 'floor';
  hosts: number;
  rep: number;
  seconds: number;
  /** Peak RSS of the controller's process tree, MB (not measured for the floor's ssh clients). */
  peakRssMb?: number;
  /** The machine's 1-minute load average when the run ended: the machine is shared, so every figure carries it. */
  load1?: number;
}

/** One line of the table: medians for a host count and case, and the ratios the targets are about. */
export interface Row {
  hosts: number;
  case: Case;
  tsrun?: number;
  ansible?: number;
  floor?: number;
  ansibleOverTsrun?: number;
  tsrunOverFloor?: number;
  tsrunRssMb?: number;
  ansibleRssMb?: number;
  mitogen?: number;
  mitogenOverTsrun?: number;
  mitogenRssMb?: number;
}

/** A start-up case: medians of whole-process wall times against `node -e 0`, and of the pairwise ratio. */
export interface StartupRow {
  case: string;
  tsrun: number;
  node: number;
  ratio: number;
  /** The ratio the issue asks for at most. */
  target: number;
}

/** The machine a result came from. */
export interface Machine {
  date: string;
  cpus: number;
  cpuModel: string;
  memoryGb: number;
  node: string;
  kernel: string;
  ansible: string;
}

/** Everything one `tsrun bench` run measured: saved as results.json. */
export interface BenchResults {
  machine: Machine;
  hostCounts: number[];
  reps: number;
  /** Hosts each controller ran at once, when not the host count (`--forks`). */
  forks?: number;
  rows: Row[];
  samples: Sample[];
}
