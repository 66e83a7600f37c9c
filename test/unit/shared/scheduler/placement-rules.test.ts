import { describe, expect, it } from 'vitest';
import { ClientError, InvalidParameterError } from '#shared/domain/errors.ts';
import type { PlacementStrategy } from '#shared/schemas/task.ts';
import type { PlacementConstraint } from '#shared/schemas/task-definition.ts';
import { readStrategies } from '#shared/scheduler/placement-rules.ts';
import { validatePlacement } from '#shared/scheduler/pipeline.ts';

const spread: PlacementStrategy = { type: 'spread', field: 'attribute:ecs.availability-zone' };
const distinct: PlacementConstraint = { type: 'distinctInstance' };

describe('validatePlacement', () => {
  it.each<[string, PlacementStrategy[], PlacementConstraint[]]>([
    ['nothing at all', [], []],
    ['five strategies', [spread, spread, spread, spread, { type: 'binpack', field: 'memory' }], []],
    ['ten constraints', [], Array.from({ length: 10 }, () => distinct)],
    ['binpack on CPU in capitals', [{ type: 'binpack', field: 'CPU' }], []],
    ['spread over host', [{ type: 'spread', field: 'host' }], []],
    ['random with a field, which ECS ignores', [{ type: 'random', field: 'whatever' }], []],
    ['a memberOf expression', [], [{ type: 'memberOf', expression: 'attribute:ecs.instance-type =~ t3.*' }]],
  ])('accepts %s', (_name, strategy, constraints) => {
    expect(() => validatePlacement(strategy, constraints)).not.toThrow();
  });

  it.each<
    [string, PlacementStrategy[], PlacementConstraint[], typeof ClientError | typeof InvalidParameterError, RegExp]
  >([
    ['six strategies', Array.from({ length: 6 }, () => spread), [], ClientError, /At most 5 placement strategies/],
    [
      'eleven constraints',
      [],
      Array.from({ length: 11 }, () => distinct),
      ClientError,
      /At most 10 placement constraints/,
    ],
    ['binpack on disk', [{ type: 'binpack', field: 'disk' }], [], ClientError, /binpack: use cpu or memory/],
    ['binpack without a field', [{ type: 'binpack' }], [], ClientError, /Invalid field ''/],
    ['spread on a bare word', [{ type: 'spread', field: 'zone' }], [], ClientError, /use instanceId, host/],
    ['spread on an empty attribute', [{ type: 'spread', field: 'attribute:' }], [], ClientError, /spread/],
    ['memberOf without expression', [], [{ type: 'memberOf' }], InvalidParameterError, /needs an expression/],
    [
      'distinctInstance with expression',
      [],
      [{ type: 'distinctInstance', expression: 'a' }],
      InvalidParameterError,
      /takes no expression/,
    ],
    [
      'a malformed expression',
      [],
      [{ type: 'memberOf', expression: 'attribute:x ==' }],
      InvalidParameterError,
      /column 15/,
    ],
  ])('rejects %s', (_name, strategy, constraints, errorClass, message) => {
    expect(() => validatePlacement(strategy, constraints)).toThrow(errorClass);
    expect(() => validatePlacement(strategy, constraints)).toThrow(message);
  });
});

describe('readStrategies', () => {
  it('reads no strategy as random, and keeps the user order', () => {
    expect(readStrategies([])).toEqual([{ kind: 'random' }]);
    expect(
      readStrategies([spread, { type: 'binpack', field: 'memory' }, { type: 'spread', field: 'instanceId' }]),
    ).toEqual([
      { kind: 'spread-attribute', attribute: 'ecs.availability-zone' },
      { kind: 'binpack', field: 'memory' },
      { kind: 'spread-instance' },
    ]);
  });
});
