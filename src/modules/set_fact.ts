import type { TObject } from '@sinclair/typebox';
import { argsSchema } from './schema';
import { defineModule } from './types';

/** Sets host variables that outlive the task (precedence above play and task vars). */
export const setFact = defineModule<TObject, Record<string, unknown>>(argsSchema({}), {
  name: 'set_fact',
  returns: {
    ansible_facts: { type: 'dict', returned: 'always', description: 'The variables set, by name.', sample: { app_port: 8080 } },
  },
  summary: 'Set variables on the host for the rest of the run.',
  description: 'Every argument becomes a variable of the host; `cacheable` is accepted and ignored.',
  controllerOnly: true,
  anyArgs: true,
  examples: '- set_fact: no_proxy_list="{{ join (concat defaults nodes) \',\' }}"',
  async run(_ctx, args) {
    const facts = { ...args };
    delete facts.cacheable;
    return { changed: false, data: { ansible_facts: facts } };
  },
});
