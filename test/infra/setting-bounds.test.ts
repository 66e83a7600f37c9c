import { App } from 'aws-cdk-lib';
import { describe, expect, it } from 'vitest';
import { ConfigurationError, parseEnvironment, parseLambdaEnvironment } from '#functions/runtime/env.ts';
import { boundedSetting } from '#infra/constructs/setting-bounds.ts';
import { BerthStack } from '#infra/stacks/berth-stack.ts';
import { ENVIRONMENT, SETTING_BOUNDS } from '#shared/deployment/names.ts';

// The stack refuses these before it builds a function, so no bundling runs.
const outOfRange = [
  { prop: 'heartbeatTtlSeconds', value: 4, message: /heartbeatTtlSeconds must be at least 5, got 4/ },
  { prop: 'heartbeatTtlSeconds', value: 3601, message: /heartbeatTtlSeconds must be at most 3600, got 3601/ },
  { prop: 'heartbeatTtlSeconds', value: 30.5, message: /heartbeatTtlSeconds must be a whole number, got 30.5/ },
  { prop: 'pollIntervalSeconds', value: 0.1, message: /pollIntervalSeconds must be at least 0.2, got 0.1/ },
  { prop: 'pollIntervalSeconds', value: 301, message: /pollIntervalSeconds must be at most 300, got 301/ },
] as const;

describe("numeric stack props are checked at synthesis with the functions' bounds", () => {
  it.each(outOfRange)('a BerthStack with $prop $value does not synthesize', ({ prop, value, message }) => {
    const app = new App();
    expect(() => new BerthStack(app, 'Berth', { [prop]: value })).toThrow(message);
  });

  it.each([
    ['heartbeatTtlSeconds', SETTING_BOUNDS.heartbeatTtlSeconds, ENVIRONMENT.heartbeatTtlSeconds],
    ['pollIntervalSeconds', SETTING_BOUNDS.pollIntervalSeconds, ENVIRONMENT.pollIntervalSeconds],
  ] as const)('%s: the stack accepts exactly what the environment schema accepts', (prop, bounds, variable) => {
    const values = [bounds.min, bounds.max, bounds.min - 0.01, bounds.max + 1, bounds.min + 0.5];
    for (const value of values) {
      const stackAccepts = accepts(() => boundedSetting(prop, value, bounds));
      const functionAccepts = accepts(() => parseEnvironment({ [variable]: String(value) }));
      expect({ value, stackAccepts }).toEqual({ value, stackAccepts: functionAccepts });
    }
  });

  it("an unset prop deploys the functions' default", () => {
    expect(boundedSetting('heartbeatTtlSeconds', undefined, SETTING_BOUNDS.heartbeatTtlSeconds)).toBe('60');
    expect(parseEnvironment({})[ENVIRONMENT.heartbeatTtlSeconds]).toBe(60);
  });
});

describe("the functions' environment in Lambda", () => {
  it('requires the table name the stack sets, instead of defaulting to one', () => {
    expect(() => parseLambdaEnvironment({ [ENVIRONMENT.queueUrl]: 'https://sqs.example/q.fifo' })).toThrow(
      ConfigurationError,
    );
    expect(() => parseLambdaEnvironment({ [ENVIRONMENT.queueUrl]: 'https://sqs.example/q.fifo' })).toThrow(
      /BERTH_TABLE_NAME/,
    );
    expect(parseLambdaEnvironment({ [ENVIRONMENT.tableName]: 'berth-prod' })[ENVIRONMENT.tableName]).toBe('berth-prod');
  });

  it('dev mode and tests still name their own table', () => {
    expect(parseEnvironment({})[ENVIRONMENT.tableName]).toBe('berth');
  });
});

function accepts(run: () => unknown): boolean {
  try {
    run();
    return true;
  } catch {
    return false;
  }
}
