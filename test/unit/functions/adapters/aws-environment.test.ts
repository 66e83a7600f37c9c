import { describe, expect, it } from 'vitest';
import { clientOptionsFromEnvironment, endpointFromEnvironment } from '#functions/adapters/aws-environment.ts';

const keys = { AWS_ACCESS_KEY_ID: 'ASIAEXAMPLE', AWS_SECRET_ACCESS_KEY: 'secret' };

describe('AWS client options from the Lambda environment', () => {
  it('takes the keys and the session token the execution role gives', () => {
    expect(clientOptionsFromEnvironment('KMS', 'eu-west-1', { ...keys, AWS_SESSION_TOKEN: 'token' })).toEqual({
      endpoint: 'https://kms.eu-west-1.amazonaws.com',
      region: 'eu-west-1',
      credentials: { accessKeyId: 'ASIAEXAMPLE', secretAccessKey: 'secret', sessionToken: 'token' },
    });
  });

  it('names the missing variable', () => {
    expect(() => clientOptionsFromEnvironment('SQS', 'us-east-1', { AWS_ACCESS_KEY_ID: 'a' })).toThrow(
      'Invalid configuration: AWS_SECRET_ACCESS_KEY is required',
    );
  });

  it.each([
    ['the regional endpoint', {}, 'https://sqs.us-east-1.amazonaws.com'],
    ['AWS_ENDPOINT_URL', { AWS_ENDPOINT_URL: 'http://127.0.0.1:5000' }, 'http://127.0.0.1:5000'],
    [
      'the service variable before the global one',
      { AWS_ENDPOINT_URL: 'http://global:1', AWS_ENDPOINT_URL_SQS: 'http://sqs:2' },
      'http://sqs:2',
    ],
    [
      'neither when AWS_IGNORE_CONFIGURED_ENDPOINT_URLS is true',
      { AWS_ENDPOINT_URL_SQS: 'http://sqs:2', AWS_IGNORE_CONFIGURED_ENDPOINT_URLS: 'true' },
      'https://sqs.us-east-1.amazonaws.com',
    ],
  ])('uses %s', (_name, env, expected) => {
    expect(endpointFromEnvironment('SQS', 'us-east-1', env)).toBe(expected);
  });

  it('uses the China partition for cn- regions', () => {
    expect(endpointFromEnvironment('DYNAMODB', 'cn-north-1', {})).toBe('https://dynamodb.cn-north-1.amazonaws.com.cn');
  });
});
