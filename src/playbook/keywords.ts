/** Where a keyword may be written, as ansible-doc's `applies_to` names it. */
export type KeywordPlace = 'Play' | 'Role' | 'Block' | 'Task';

/** One playbook keyword, declared once: the loader accepts exactly these, and `tsrun doc -t keyword` prints them. */
export interface KeywordDoc {
  name: string;
  appliesTo: readonly KeywordPlace[];
  type: 'bool' | 'string' | 'int' | 'list' | 'dict' | 'raw';
  description: string;
}

const ALL: KeywordPlace[] = ['Play', 'Role', 'Block', 'Task'];
const BT: KeywordPlace[] = ['Block', 'Task'];
const TASK: KeywordPlace[] = ['Task'];
const PLAY: KeywordPlace[] = ['Play'];

const k = (name: string, appliesTo: KeywordPlace[], type: KeywordDoc['type'], description: string): KeywordDoc => ({ name, appliesTo, type, description });

/** Every keyword tsrun accepts on a play, a role entry, a block or a task. */
export const keywords: readonly KeywordDoc[] = [
  k('always', ['Block'], 'list', 'Tasks run after the block and its rescue, whatever happened in them.'),
  k('any_errors_fatal', ALL, 'bool', 'A failure on any host ends the play for every host.'),
  k('args', TASK, 'dict', "The module's arguments, merged under those written beside the module's key."),
  k('become', ALL, 'bool', 'Run as another user (with sudo).'),
  k('become_method', BT, 'string', 'Accepted; tsrun becomes another user with sudo only.'),
  k('become_user', ALL, 'string', 'The user to become (default root).'),
  k('block', ['Block'], 'list', 'Tasks grouped so that keywords, rescue and always apply to all of them.'),
  k('changed_when', TASK, 'raw', 'A condition (or a list, all of which must hold) that decides whether the task reports changed.'),
  k('check_mode', ALL, 'bool', 'true: the task runs in check mode even without --check; false: it really runs under --check.'),
  k('connection', PLAY, 'string', 'The connection type of the play: ssh or local (as ansible_connection).'),
  k('delay', TASK, 'int', 'Seconds between retries of an until loop (default 5).'),
  k('delegate_to', TASK, 'string', 'Run the task on this host instead (with the current host\'s variables).'),
  k('diff', ALL, 'bool', 'Show (or hide) the diff of this task whatever --diff says.'),
  k('environment', ALL, 'dict', 'Environment variables for the commands of the tasks.'),
  k('failed_when', TASK, 'raw', 'A condition (or a list, all of which must hold) that decides whether the task failed.'),
  k('gather_facts', PLAY, 'bool', 'Gather the hosts\' facts before the first task (default true).'),
  k('handlers', PLAY, 'list', 'Tasks that run only when notified, at the end of each section or at meta: flush_handlers.'),
  k('hosts', PLAY, 'list', 'The hosts of the play: a pattern (group, host, glob, ~regex, a:b, a:&b, a:!b) or a list of them.'),
  k('ignore_errors', ALL, 'bool', 'A failure of the task is reported as ignored and the host goes on.'),
  k('import_playbook', PLAY, 'string', 'A playbook entry that is another playbook, loaded in its place.'),
  k('listen', TASK, 'list', 'On a handler: topics it also answers to, besides its name.'),
  k('loop', TASK, 'list', 'Run the task once per item, as item (or loop_control.loop_var).'),
  k('loop_control', TASK, 'dict', 'loop_var, label and index_var of a loop.'),
  k('max_fail_percentage', PLAY, 'int', 'End the play when more than this percentage of a batch\'s hosts failed.'),
  k('name', ALL, 'string', 'The name shown in the output; on a role entry, the role.'),
  k('no_log', ALL, 'bool', 'Hide the task\'s arguments and results from every output.'),
  k('notify', TASK, 'list', 'Handlers (names or listen topics) to run when the task reports changed.'),
  k('post_tasks', PLAY, 'list', 'Tasks run after the roles and tasks (and their handlers).'),
  k('pre_tasks', PLAY, 'list', 'Tasks run before the roles (and their own handlers).'),
  k('register', TASK, 'string', 'Keep the task\'s result in this variable for the host.'),
  k('remote_user', PLAY, 'string', 'The user to connect as (as ansible_user).'),
  k('rescue', ['Block'], 'list', 'Tasks run when a task of the block failed; the failure is then cleared.'),
  k('retries', TASK, 'int', 'How many times an until loop retries (default 3).'),
  k('role', ['Role'], 'string', 'The role of a role entry (or name).'),
  k('roles', PLAY, 'list', 'Roles to run before the tasks: names, or mappings with role, parameters and keywords.'),
  k('run_once', TASK, 'bool', 'Run the task on the first host only and give every host its result.'),
  k('serial', PLAY, 'raw', 'Run the play on batches of hosts: a number, a percentage or a list of them (the last repeating); 0 is every host left.'),
  k('shard_groups', PLAY, 'list', 'tsrun\'s own: inventory groups whose hosts stay in one shard under --shard.'),
  k('strategy', PLAY, 'string', "Accepted; every play runs as Ansible's linear strategy (every host finishes a task before the next)."),
  k('tags', ALL, 'list', 'Tags for --tags and --skip-tags; inherited by the tasks inside.'),
  k('tasks', PLAY, 'list', 'The play\'s main list of tasks, run after the roles.'),
  k('timeout', TASK, 'int', 'Seconds the task may run before it is stopped and fails.'),
  k('until', TASK, 'raw', 'Retry the task until this condition holds (see retries and delay).'),
  k('vars', ALL, 'dict', 'Variables for the tasks inside.'),
  k('vars_files', PLAY, 'list', 'YAML files of variables for the play; a list entry reads the first that exists; a name using host variables is read per host.'),
  k('when', ALL, 'raw', 'A condition (or a list, all of which must hold); the task is skipped when false.'),
  k('with_items', TASK, 'list', 'The old form of loop (lists are flattened one level).'),
  k('with_list', TASK, 'list', 'The old form of loop.'),
];

/** The keyword names written at a place. */
export function keywordsAt(...places: KeywordPlace[]): Set<string> {
  return new Set(keywords.filter((kw) => kw.appliesTo.some((p) => places.includes(p))).map((kw) => kw.name));
}
