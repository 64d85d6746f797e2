import type { ScalarTag, Tags } from 'yaml';

const BOOL_TAG = 'tag:yaml.org,2002:bool';

/**
 * YAML 1.1 tags as PyYAML (Ansible's parser) has them: `yaml` also reads y/Y/n/N as booleans, PyYAML does
 * not, so `y: 1` keeps the key "y" and `answer: n` stays the string "n".
 */
export function pyyamlTags(tags: Tags): Tags {
  return tags.map((t) => {
    const tag = t as ScalarTag;
    if (tag.tag !== BOOL_TAG || !tag.test) return t;
    const yes = tag.test.test('yes');
    return { ...tag, test: yes ? /^(?:[Yy]es|YES|[Tt]rue|TRUE|[Oo]n|ON)$/ : /^(?:[Nn]o|NO|[Ff]alse|FALSE|[Oo]ff|OFF)$/ };
  });
}
