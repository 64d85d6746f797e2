import { describe, expect, it } from 'vitest';
import { selectedByTags } from '../../../src/executor/scope';

// [task tags, --tags, --skip-tags, runs?]
const cases: [string[], string[], string[], boolean][] = [
  [[], [], [], true],
  [['docker'], [], [], true],
  [['docker'], ['docker'], [], true],
  [['proxy'], ['docker'], [], false],
  [[], ['docker'], [], false],
  [['always'], ['docker'], [], true],
  [['always'], [], ['always'], false],
  [['never'], [], [], false],
  [['never', 'debug'], ['debug'], [], true],
  [['slow'], [], ['slow'], false],
  [['docker', 'slow'], ['docker'], ['slow'], false],
  [['x'], ['tagged'], [], true],
  [[], ['untagged'], [], true],
  [['x'], ['untagged'], [], false],
];

describe('selectedByTags', () => {
  it.each(cases)('tags %j with --tags %j --skip-tags %j -> %s', (task, only, skip, expected) => {
    expect(selectedByTags(task, only, skip)).toBe(expected);
  });
});
