import { describe, expect, it } from 'vitest';
import { ClientError } from '#shared/domain/errors.ts';
import { checkLogConfiguration } from '#shared/domain/log-configuration.ts';

const check = (options: Record<string, string>) => () =>
  checkLogConfiguration({ name: 'web', image: 'busybox', logConfiguration: { logDriver: 'awslogs', options } });

describe('awslogs options at registration', () => {
  it.each([
    [{ 'awslogs-group': 'bad group!' }, 'awslogs-group'],
    [{ 'awslogs-group': 'x'.repeat(513) }, 'awslogs-group'],
    [{ 'awslogs-group': 'g', 'awslogs-stream-prefix': 'a:b' }, 'awslogs-stream-prefix'],
    [{ 'awslogs-group': 'g', 'awslogs-create-group': 'yes' }, 'awslogs-create-group'],
    [{ 'awslogs-group': 'g', mode: 'fast' }, 'mode'],
  ])('refuses %j naming %s', (options, member) => {
    expect(check(options)).toThrow(ClientError);
    expect(check(options)).toThrow(member);
  });

  it('accepts the names CloudWatch Logs accepts', () => {
    expect(
      check({ 'awslogs-group': '/ecs/web_1.#-x', 'awslogs-stream-prefix': 'app', 'awslogs-create-group': 'true' }),
    ).not.toThrow();
  });
});
