import type { Command } from 'commander';
import { EXIT } from './exit-codes';

/** `tsrun merge FILE...`: the combined recap and exit code of shards' `--json` event files. */
export function registerMergeCommand(program: Command, setExit: (code: number) => void): void {
  program
    .command('merge')
    .description("combine the --json event files of --shard runs: one recap, one exit code")
    .argument('<files...>', 'event files, e.g. shard-*.json')
    .option('--json', 'print the combined recap as one JSON event')
    .action(async (files: string[], o: { json?: boolean }) => {
      const { mergeFiles } = await import('../shard/merge');
      const m = mergeFiles(files);
      const recap = { type: 'recap' as const, stats: m.stats, durationMs: m.durationMs };
      if (o.json) new (await import('../output/json')).JsonReporter().event(recap);
      else new (await import('../output/plain')).PlainReporter().event(recap);
      for (const p of m.problems) process.stderr.write(`merge: ${p}\n`);
      const all = Object.values(m.stats);
      if (m.problems.length || all.some((s) => s.failed > 0)) setExit(EXIT.FAILED_HOSTS);
      else if (all.some((s) => s.unreachable > 0)) setExit(EXIT.UNREACHABLE);
    });
}
