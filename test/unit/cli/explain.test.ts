import { describe, expect, it } from 'vitest';
import { formatExplanation, parseExplainArgs } from '#cli/explain.ts';

describe('berth explain arguments', () => {
  it.each([
    [['--task-definition', 'web'], { taskDefinition: 'web' }],
    [
      ['--task-definition', 'web:3', '--cluster', 'prod', '--count', '4', '--group', 'g'],
      { taskDefinition: 'web:3', cluster: 'prod', count: 4, group: 'g' },
    ],
    [
      [
        '--task-definition',
        'web',
        '--strategy',
        'spread:attribute:ecs.availability-zone',
        '--strategy',
        'binpack:memory',
        '--strategy',
        'random',
      ],
      {
        taskDefinition: 'web',
        placementStrategy: [
          { type: 'spread', field: 'attribute:ecs.availability-zone' },
          { type: 'binpack', field: 'memory' },
          { type: 'random' },
        ],
      },
    ],
    [
      [
        '--task-definition',
        'web',
        '--constraint',
        'distinctInstance',
        '--constraint',
        'memberOf:attribute:stack == prod',
      ],
      {
        taskDefinition: 'web',
        placementConstraints: [
          { type: 'distinctInstance' },
          { type: 'memberOf', expression: 'attribute:stack == prod' },
        ],
      },
    ],
  ])('reads %j into a RunTask body', (argv, body) => {
    expect(parseExplainArgs(argv)).toEqual({ kind: 'run', json: false, body });
  });

  it.each([
    [['--cluster', 'x'], /--task-definition is required/],
    [['--task-definition', 'web', '--count', '11'], /--count/],
    [['--task-definition', 'web', '--count', 'two'], /--count/],
    [['--task-definition', 'web', '--strategy', 'pack:cpu'], /random, spread or binpack/],
    [['--task-definition', 'web', '--constraint', 'memberOf:'], /distinctInstance or memberOf/],
    [['--task-definition', 'web', '--colour', 'red'], /colour/],
  ])('refuses %j', (argv, message) => {
    const parsed = parseExplainArgs(argv);
    expect(parsed.kind).toBe('usage');
    if (parsed.kind === 'usage') expect(parsed.message).toMatch(message);
  });

  it('takes the endpoint, --json and --help', () => {
    expect(parseExplainArgs(['--task-definition', 'web', '--endpoint', 'http://h:1', '--json'])).toMatchObject({
      endpoint: 'http://h:1',
      json: true,
    });
    expect(parseExplainArgs(['--task-definition', 'web', '--endpoint-url', 'http://h:2'])).toMatchObject({
      endpoint: 'http://h:2',
    });
    expect(parseExplainArgs(['-h'])).toEqual({ kind: 'help' });
  });

  it('takes --output as the AWS CLI names it, --json staying an alias of --output json', () => {
    expect(parseExplainArgs(['--task-definition', 'web', '--output', 'json'])).toMatchObject({ json: true });
    expect(parseExplainArgs(['--task-definition', 'web', '--output', 'table'])).toMatchObject({ json: false });
    expect(parseExplainArgs(['--task-definition', 'web', '--output', 'yaml'])).toMatchObject({
      kind: 'usage',
      message: expect.stringMatching(/--output yaml/),
    });
  });

  it('formats an unplaced task with its reasons and the instances left unnamed', () => {
    const text = formatExplanation({
      cluster: 'c',
      taskDefinitionArn: 'arn:aws:ecs:us-east-1:000000000000:task-definition/web:1',
      group: 'family:web',
      demand: { cpu: 128, memory: 512, ports: [80], portsUdp: [] },
      instances: 12,
      tasks: [
        {
          index: 0,
          placed: false,
          message: 'No container instance met all requirements: 12 lacked memory (RESOURCE:MEMORY)',
          reasons: [
            {
              reason: 'RESOURCE:MEMORY',
              count: 12,
              example: 'needs 512 MiB, 256 MiB free',
              instances: [{ containerInstanceArn: 'arn:ci/1', detail: 'needs 512 MiB, 256 MiB free' }],
            },
          ],
        },
      ],
    });
    expect(text).toContain('each task needs 128 cpu units, 512 MiB, ports 80; 12 instance(s) considered');
    expect(text).toContain('task 1: not placed: No container instance met all requirements');
    expect(text).toContain('arn:ci/1: needs 512 MiB, 256 MiB free');
    expect(text).toContain('... and 11 more');
  });
});
