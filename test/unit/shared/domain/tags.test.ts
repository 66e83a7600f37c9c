import { describe, expect, it } from 'vitest';
import { InvalidParameterError } from '#shared/domain/errors.ts';
import { mergeTags, refuseReservedKeys, removeTags, taskTags, type TaskTagSources } from '#shared/domain/tags.ts';

const definitionTags = [
  { key: 'a', value: 'definition' },
  { key: 'b', value: 'definition' },
];
const serviceTags = [{ key: 'a', value: 'service' }];

describe('tags', () => {
  it('merges by key: a given key takes its new value in place, new keys come last', () => {
    expect(
      mergeTags(definitionTags, [
        { key: 'c', value: '' },
        { key: 'a', value: 'new' },
      ]),
    ).toEqual([
      { key: 'a', value: 'new' },
      { key: 'b', value: 'definition' },
      { key: 'c', value: '' },
    ]);
  });

  it('refuses a merge past 50 tags, and accepts exactly 50', () => {
    const fifty = Array.from({ length: 50 }, (_, i) => ({ key: `k${i}` }));
    expect(mergeTags([], fifty)).toHaveLength(50);
    expect(() => mergeTags(fifty, [{ key: 'one-more' }])).toThrow(InvalidParameterError);
  });

  it('removes keys, ignoring the ones that are not there', () => {
    expect(removeTags(definitionTags, ['a', 'zzz'])).toEqual([{ key: 'b', value: 'definition' }]);
  });

  it.each(['aws:x', 'AWS:x', 'Aws:ecs:clusterName'])('refuses the reserved key %s', (key) => {
    expect(() => refuseReservedKeys(['fine', key])).toThrow(/reserved/);
  });

  it.each<[string, TaskTagSources, { key: string; value?: string }[]]>([
    ['nothing propagated by default', { definitionTags, serviceTags }, []],
    ['NONE', { propagateTags: 'NONE', definitionTags, serviceTags }, []],
    ['from the task definition', { propagateTags: 'TASK_DEFINITION', definitionTags, serviceTags }, definitionTags],
    ['from the service', { propagateTags: 'SERVICE', definitionTags, serviceTags }, serviceTags],
    [
      "the request's own tags over propagated ones",
      { propagateTags: 'TASK_DEFINITION', definitionTags, own: [{ key: 'b', value: 'own' }] },
      [
        { key: 'a', value: 'definition' },
        { key: 'b', value: 'own' },
      ],
    ],
    [
      "ECS's managed tags last",
      { own: [{ key: 'x', value: '1' }], managed: { cluster: 'c', service: 's' } },
      [
        { key: 'x', value: '1' },
        { key: 'aws:ecs:clusterName', value: 'c' },
        { key: 'aws:ecs:serviceName', value: 's' },
      ],
    ],
    [
      'no service name for a task run on its own',
      { managed: { cluster: 'c' } },
      [{ key: 'aws:ecs:clusterName', value: 'c' }],
    ],
  ])('gives a new task its tags: %s', (_what, sources, expected) => {
    expect(taskTags(sources)).toEqual(expected);
  });
});
