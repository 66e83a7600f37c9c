import { describe, expect, it } from 'vitest';
import { mergeAttributes } from '#shared/control/instances.ts';

describe('mergeAttributes on re-registration', () => {
  it.each([
    [
      'keeps a user attribute the agent does not send',
      [{ name: 'team', value: 'a' }],
      [{ name: 'ecs.os-type', value: 'linux' }],
      ['ecs.os-type=linux', 'team=a'],
    ],
    [
      'lets the agent’s value win for a name it sends',
      [{ name: 'rack', value: 'old' }],
      [{ name: 'rack', value: 'new' }],
      ['rack=new'],
    ],
    ['drops an ecs. attribute the agent no longer reports', [{ name: 'ecs.instance-type', value: 'm5' }], [], []],
  ])('%s', (_name, stored, reported, expected) => {
    expect(mergeAttributes(stored, reported).map((a) => `${a.name}=${a.value}`)).toEqual(expected);
  });
});
