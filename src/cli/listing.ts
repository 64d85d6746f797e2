import { relative } from 'node:path';
import type { Inventory } from '../inventory/index';
import { selectHosts } from '../inventory/index';
import type { Play, TaskDef } from '../playbook/types';
import { inherit, ROOT, selectedByTags, type Inherited } from '../executor/scope';

/** A task as --list-tasks and --start-at-task see it: its display name and inherited tags. */
export interface ListedTask {
  name: string;
  tags: string[];
}

/** The tasks of a play in order (imports expanded, includes as themselves), with the tags each inherits. */
export function playTasks(play: Play): ListedTask[] {
  const out: ListedTask[] = [];
  const walk = (tasks: TaskDef[], parent: Inherited) => {
    for (const t of tasks) {
      const inh = inherit(parent, t.kw, false);
      if (t.kind === 'block') {
        for (const part of [t.block, t.rescue, t.always]) walk(part ?? [], inh);
        continue;
      }
      const role = t.scope.roleUse ? `${t.scope.roleUse.role.name} : ` : '';
      out.push({ name: role + t.name, tags: inh.tags });
    }
  };
  for (const section of play.sections) walk(section, ROOT);
  return out;
}

/** The play's own tags (on its sections' outer block). */
function playTags(play: Play): string[] {
  return play.sections[0]?.[0]?.kw.tags ?? [];
}

const tagList = (tags: string[]) => `[${[...tags].sort().join(', ')}]`;

/** What --list-hosts, --list-tasks and --list-tags print, as ansible-playbook prints it. */
export function listing(file: string, plays: Play[], inv: Inventory | undefined, what: { hosts?: boolean; tasks?: boolean; tags?: boolean }, sel: { limit?: string; tags: string[]; skipTags: string[] }): string {
  const lines = ['', `playbook: ${relative(process.cwd(), file) || file}`];
  plays.forEach((play, i) => {
    lines.push('', `  play #${i + 1} (${play.hosts}): ${play.name}\tTAGS: ${tagList(playTags(play))}`);
    if (what.hosts && inv) {
      const hosts = selectHosts(inv, play.hosts, sel.limit);
      lines.push(`    pattern: ['${play.hosts}']`, `    hosts (${hosts.length}):`, ...hosts.map((h) => `      ${h}`));
    }
    const tasks = playTasks(play).filter((t) => selectedByTags(t.tags, sel.tags, sel.skipTags));
    if (what.tasks) lines.push('    tasks:', ...tasks.map((t) => `      ${t.name}\tTAGS: ${tagList(t.tags)}`));
    if (what.tags) lines.push(`      TASK TAGS: ${tagList([...new Set(tasks.flatMap((t) => t.tags))])}`);
  });
  return `${lines.join('\n')}\n`;
}
