import { describe, expect, it } from 'vitest';
import { InvalidParameterError } from '#shared/domain/errors.ts';
import { compileExpression } from '#shared/scheduler/query/compile.ts';
import { assignment, candidate } from '../fleet-fixtures.ts';

const m5 = candidate({
  id: 'i-1',
  ec2InstanceId: 'i-abcd1234',
  agentVersion: '1.14.5',
  registeredAt: Date.UTC(2018, 5, 18, 22, 28, 28),
  attributes: {
    'ecs.instance-type': 'm5.large',
    'ecs.availability-zone': 'us-east-1a',
    'ecs.os-type': 'linux',
    'ecs.capability.gpu': undefined,
    stack: 'prod',
    generation: '10',
  },
  assignments: [assignment({ group: 'service:production' }), assignment({ group: 'family:web' })],
});
const disconnected = candidate({ id: 'i-2', agentConnected: false });

describe('cluster query language: what matches', () => {
  it.each<[string, boolean]>([
    ['attribute:ecs.instance-type == m5.large', true],
    ['attribute:ecs.instance-type equals m5.large', true],
    ['attribute:ecs.instance-type != m5.large', false],
    ['attribute:ecs.instance-type not_equals c5.large', true],
    ["attribute:ecs.instance-type == 'm5.large'", true],
    ['attribute:ecs.instance-type == "m5.large"', true],
    ['attribute:ecs.instance-type =~ m5.*', true],
    ['attribute:ecs.instance-type matches *.large', true],
    ['attribute:ecs.instance-type =~ m5', false],
    ['attribute:ecs.instance-type =~ m5?large', false],
    ['attribute:ecs.instance-type !~ c5.*', true],
    ['attribute:ecs.instance-type not_matches m*', false],
    ['attribute:ecs.availability-zone in [us-east-1a, us-east-1b]', true],
    ['attribute:ecs.availability-zone in (us-east-1b, us-east-1c)', false],
    ['attribute:ecs.availability-zone !in [us-east-1b]', true],
    ['attribute:ecs.availability-zone not_in [us-east-1a]', false],
    ['attribute:ecs.capability.gpu exists', true],
    ['attribute:stack exists', true],
    ['attribute:missing exists', false],
    ['attribute:missing !exists', true],
    ['attribute:stack not_exists', false],
    ['attribute:missing == x', false],
    ['attribute:missing != x', true],
    ['attribute:missing =~ *', false],
    ['attribute:generation > 9', true],
    ['attribute:generation >= 10', true],
    ['attribute:generation < 10', false],
    ['attribute:missing < 10', false],
    ['attribute:ecs.instance-type =~ m5.* and attribute:ecs.availability-zone != us-east-1d', true],
    ['attribute:stack == dev && attribute:ecs.os-type == linux', false],
    ['attribute:stack == dev or attribute:ecs.os-type == linux', true],
    ['attribute:stack == dev || attribute:stack == qa', false],
    ['not attribute:stack == dev', true],
    ['!(attribute:stack == prod)', false],
    ['not(task:group == database)', true],
    ['(attribute:stack == dev or attribute:stack == prod) and attribute:ecs.os-type == linux', true],
    ['attribute:stack == dev or attribute:stack == prod and attribute:ecs.os-type == windows', false],
    ['attribute:stack == prod or attribute:stack == dev and attribute:ecs.os-type == windows', true],
    ['attribute:stack == prod AND attribute:ecs.os-type == linux', true],
    ['  attribute:stack==prod&&attribute:ecs.os-type==linux  ', true],
    ['agentConnected == true', true],
    ['agentConnected != TRUE', false],
    ['agentConnected in [false]', false],
    ['agentVersion < 1.14.10', true],
    ['agentVersion >= 1.14.5', true],
    ['agentVersion > 1.9', true],
    ["ec2InstanceId in ['i-abcd1234', 'i-wxyx7890']", true],
    ['ec2InstanceId =~ i-abcd*', true],
    ['registeredAt == 2018-06-18', true],
    ['registeredAt < 2018-06-18', false],
    ['registeredAt <= 2018-06-18', true],
    ['registeredAt > 2018-06-17', true],
    ['registeredAt == 2018-06-18T22:28:28Z', true],
    ['registeredAt == 2018-06-18T22:28:28+00:00', true],
    ['registeredAt == 2018-06-18T22:28:28', true],
    ['registeredAt < 2018-06-18T22:28:29Z', true],
    ['registeredAt > 2018-06-18T23:00:00+02:00', true],
    ['runningTasksCount == 2', true],
    ['runningTasksCount > 2', false],
    ['runningTasksCount <= 2', true],
    ['task:group == service:production', true],
    ['task:group != service:production', false],
    ['task:group in [database, family:web]', true],
    ['task:group =~ family:*', true],
    ['task:group exists', true],
  ])('%s -> %s', (expression, expected) => {
    expect(compileExpression(expression).matches(m5)).toBe(expected);
  });

  it.each<[string, boolean]>([
    ['agentConnected == false', true],
    ['task:group exists', false],
    ['task:group !exists', true],
    ['runningTasksCount == 0', true],
    ['ec2InstanceId == i-abcd1234', false],
    ['ec2InstanceId != i-abcd1234', true],
  ])('on a bare, disconnected instance: %s -> %s', (expression, expected) => {
    expect(compileExpression(expression).matches(disconnected)).toBe(expected);
  });

  it('marks expressions that read what a reservation changes as dynamic', () => {
    expect(compileExpression('attribute:a == b and ec2InstanceId == i-1 or agentVersion > 1').dynamic).toBe(false);
    expect(compileExpression('attribute:a == b or not task:group == web').dynamic).toBe(true);
    expect(compileExpression('runningTasksCount < 3').dynamic).toBe(true);
  });

  it('parses each text once', () => {
    expect(compileExpression('attribute:x == y')).toBe(compileExpression('attribute:x == y'));
  });
});

describe('cluster query language: what does not parse', () => {
  it.each<[string, number, string]>([
    ['', 1, 'expected a subject'],
    ['attribute:stack', 16, 'expected an operator'],
    ['attribute:stack = prod', 17, "use '=='"],
    ['attribute:stack == ', 20, 'expected a value'],
    ['attribute:stack == prod extra', 25, "expected 'and', 'or'"],
    ['attribute:stack == prod and', 28, 'expected a subject'],
    ['(attribute:stack == prod', 25, "expected ')' to close the '(' at column 1"],
    ['attribute:stack == prod)', 24, "expected 'and', 'or'"],
    ['attribute:az in us-east-1a', 17, 'expected a list'],
    ['attribute:az in [a, b', 22, "expected ',' or ']'"],
    ['attribute:az in [a b]', 20, "expected ',' or ']'"],
    ['attribute:az in [a, ]', 21, 'expected a value'],
    ["attribute:az == 'us-east-1a", 17, 'unterminated string'],
    ['stack == prod', 1, "unknown subject 'stack'"],
    ['attribute: == x', 1, 'missing attribute name'],
    ['ec2InstanceId > i-1', 15, "operator '>' does not apply to ec2InstanceId"],
    ['runningTasksCount =~ 1*', 19, "operator '=~' does not apply"],
    ['runningTasksCount == two', 22, "'two' is not a whole number"],
    ['registeredAt < yesterday', 16, 'is not a date'],
    ['registeredAt < 2018-02-30', 16, 'is not a date'],
    ['agentConnected == yes', 19, 'true or false'],
    ['attribute:a == b & attribute:c == d', 18, "unexpected character '&'"],
    ['attribute:a == b and (attribute:c == d or)', 42, 'expected a subject'],
    ['attribute:a ~ b', 13, "unexpected character '~'"],
  ])('%j fails at column %i', (expression, column, fragment) => {
    let error: unknown;
    try {
      compileExpression(expression);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(InvalidParameterError);
    const message = error instanceof Error ? error.message : '';
    expect(message).toContain(fragment);
    expect(message).toContain(`at column ${column}`);
    expect(error).toMatchObject({ context: { column, expression } });
  });
});
