import { describe, expect, it } from 'vitest';
import { InvalidParameterError } from '#shared/domain/errors.ts';
import { checkNetworkConfiguration } from '#shared/domain/network-configuration.ts';

const NOT_AWSVPC_MESSAGE = 'Network Configuration is not valid for the given networkMode of this task definition.';
import type { AwsvpcConfiguration } from '#shared/schemas/task.ts';

type Mode = 'bridge' | 'host' | 'none' | 'awsvpc' | undefined;

describe('a launch network configuration', () => {
  it('is optional for awsvpc and recorded when given', () => {
    const awsvpc: AwsvpcConfiguration = { subnets: ['subnet-1'], securityGroups: ['sg-1'], assignPublicIp: 'DISABLED' };
    expect(checkNetworkConfiguration('awsvpc', undefined)).toBeUndefined();
    expect(checkNetworkConfiguration('awsvpc', {})).toBeUndefined();
    expect(checkNetworkConfiguration('awsvpc', { awsvpcConfiguration: awsvpc })).toEqual(awsvpc);
    expect(checkNetworkConfiguration('bridge', {})).toBeUndefined();
  });

  it.each<[string, Mode, AwsvpcConfiguration, string]>([
    ['bridge', 'bridge', { subnets: ['subnet-1'] }, NOT_AWSVPC_MESSAGE],
    ['the default mode', undefined, { subnets: ['subnet-1'] }, NOT_AWSVPC_MESSAGE],
    ['host', 'host', { subnets: ['subnet-1'] }, NOT_AWSVPC_MESSAGE],
    ['no subnets', 'awsvpc', { subnets: [] }, 'subnets can not be empty.'],
    [
      'a public IP',
      'awsvpc',
      { subnets: ['subnet-1'], assignPublicIp: 'ENABLED' },
      'Assign public IP is not supported for this launch type.',
    ],
  ])('is refused with %s', (_, mode, awsvpcConfiguration, message) => {
    expect(() => checkNetworkConfiguration(mode, { awsvpcConfiguration })).toThrow(new InvalidParameterError(message));
  });
});
