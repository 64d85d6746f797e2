import type { ArgDef } from '../modules/types';
import type { ActionDoc } from '../playbook/actions';
import type { KeywordDoc } from '../playbook/keywords';

/** A module in ansible-doc's `--json` shape: `doc` (module, short_description, description, options), `examples`, `return`. */
export function moduleJson(mod: ActionDoc): Record<string, unknown> {
  return {
    doc: {
      module: mod.name,
      collection: 'ansible.builtin',
      short_description: mod.summary,
      description: mod.description ? [mod.description] : [],
      options: Object.fromEntries(Object.entries(mod.args).map(([name, def]) => [name, optionJson(def)])),
      ...(mod.freeForm ? { free_form: mod.freeForm } : {}),
    },
    examples: mod.examples ?? '',
    return: mod.returns,
  };
}

/** A keyword in ansible-doc's `-t keyword --json` shape. */
export function keywordJson(kw: KeywordDoc): Record<string, unknown> {
  return { [kw.name]: { applies_to: kw.appliesTo, description: kw.description, type: kw.type } };
}

function optionJson(def: ArgDef): Record<string, unknown> {
  const out: Record<string, unknown> = { description: [def.description], type: def.type, required: !!def.required };
  if (def.default !== undefined) out.default = def.default;
  if (def.choices) out.choices = def.choices;
  if (def.aliases?.length) out.aliases = def.aliases;
  if (def.elements) out.elements = def.elements;
  if (def.noLog) out.no_log = true;
  return out;
}
