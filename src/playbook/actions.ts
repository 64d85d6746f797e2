import type { Module } from '../modules/types';

/** A task action the executor handles itself (no module behind it), documented like a module. */
export type ActionDoc = Pick<Module, 'name' | 'summary' | 'description' | 'args' | 'returns' | 'examples' | 'freeForm' | 'exclusive' | 'requiredOneOf'>;

const fileArg = { type: 'path', required: true, description: 'The tasks file, relative to the file that names it (or the role\'s tasks/).' } as const;
const roleArgs: ActionDoc['args'] = {
  name: { type: 'str', required: true, description: 'The role: a name found in the roles path, or a path.' },
  tasks_from: { type: 'str', default: 'main', description: "The file of the role's tasks/ to run, without .yml." },
  vars: { type: 'dict', description: 'Role parameters: above every other variable but extra vars.' },
};

/** meta, include_tasks, import_tasks, include_role and import_role: accepted in tasks, documented by `tsrun doc`. */
export const specialActions: readonly ActionDoc[] = [
  {
    name: 'meta',
    summary: 'Execute tsrun actions: flush handlers, end the play or a host, clear facts',
    description:
      'A special task that acts on the run itself, not on a host. `flush_handlers` runs the handlers notified so far; ' +
      '`noop` does nothing; `end_play` ends the play for every host; `end_host` ends it for the current host; ' +
      '`clear_facts` forgets the gathered facts of the current host.',
    args: {
      free_form: { type: 'str', required: true, choices: ['flush_handlers', 'noop', 'end_play', 'end_host', 'clear_facts'], description: 'The action, as the free-form text of the task.' },
    },
    freeForm: 'free_form',
    returns: {},
    examples: '- meta: flush_handlers\n- meta: end_host\n  when: ansible_distribution != "Debian"',
  },
  {
    name: 'include_tasks',
    summary: 'Dynamically include a task list',
    description: 'Decided per host at run time, with the task\'s `when` and `loop`; hosts that include the same file run it together. Its tasks cannot be named by --start-at-task or listed by --list-tasks, as in Ansible.',
    args: { file: fileArg },
    freeForm: 'file',
    returns: {},
    examples: '- include_tasks: setup.yml\n- include_tasks:\n    file: "{{ ansible_os_family | lower }}.yml"',
  },
  {
    name: 'import_tasks',
    summary: 'Import a task list',
    description: "Expanded when the playbook is loaded: the task's keywords (`when`, `tags`, `become`...) apply to every task of the file.",
    args: { file: fileArg },
    freeForm: 'file',
    returns: {},
    examples: '- import_tasks: common.yml\n  tags: [common]',
  },
  {
    name: 'include_role',
    summary: 'Load and execute a role',
    description: "Decided per host at run time, like include_tasks; the role's defaults, vars and handlers come with it.",
    args: roleArgs,
    returns: {},
    examples: '- include_role:\n    name: docker\n  when: want_docker | bool',
  },
  {
    name: 'import_role',
    summary: 'Import a role into a play',
    description: "Expanded when the playbook is loaded, as if the role's tasks were written in place.",
    args: roleArgs,
    returns: {},
    examples: '- import_role:\n    name: proxy-env\n    tasks_from: main',
  },
];

/** The names of the special actions, as a task's key. */
export const specialActionNames: ReadonlySet<string> = new Set(specialActions.map((a) => a.name));
