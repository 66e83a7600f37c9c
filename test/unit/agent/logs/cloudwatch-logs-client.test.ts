import { scriptedAwsServers } from '#test/support/scripted-aws-server.ts';
import { describe, expect, it } from 'vitest';
import { cloudWatchLogsEndpoint, createCloudWatchLogsCall } from '#agent/logs/cloudwatch-logs-client.ts';
import { AwsServiceError } from '#shared/aws/aws-json-errors.ts';

/**
 * The agent's SDK-free CloudWatch Logs client against a scripted HTTP
 * server: the AWS JSON 1.1 request it sends, and what it makes of answers.
 * The e2e suite (test/e2e/container-logs-cloudwatch.test.ts) runs it
 * against moto.
 */
const scripted = scriptedAwsServers();

const roleKeys = { accessKeyId: 'ASIAROLE', secretAccessKey: 'secret', sessionToken: 'the-session' };

describe("the agent's CloudWatch Logs client", () => {
  it('posts Logs_20140328.<Operation> as AWS JSON 1.1, signed for the logs service with the session token', async () => {
    const { endpoint, seen } = await scripted([{ status: 200, body: '{"nextSequenceToken":"49"}' }]);
    const call = createCloudWatchLogsCall({ endpoint, region: 'eu-west-3', credentials: async () => roleKeys });
    const input = { logGroupName: 'g', logStreamName: 's', logEvents: [{ timestamp: 1, message: 'hello' }] };

    expect(await call('PutLogEvents', input)).toEqual({ nextSequenceToken: '49' });
    const [request] = seen;
    expect(request).toMatchObject({ method: 'POST', url: '/' });
    expect(request?.headers).toMatchObject({
      'x-amz-target': 'Logs_20140328.PutLogEvents',
      'content-type': 'application/x-amz-json-1.1',
      'x-amz-security-token': 'the-session',
    });
    expect(request?.headers.authorization).toMatch(
      /^AWS4-HMAC-SHA256 Credential=ASIAROLE\/\d{8}\/eu-west-3\/logs\/aws4_request, SignedHeaders=content-type;host;x-amz-content-sha256;x-amz-date;x-amz-security-token;x-amz-target, Signature=[0-9a-f]{64}$/,
    );
    expect(JSON.parse(request?.body ?? '')).toEqual(input);
  });

  it('retries throttling and 5xx answers, then returns the answer', async () => {
    const { endpoint, seen } = await scripted([
      { status: 400, body: '{"__type":"ThrottlingException","message":"Rate exceeded"}' },
      { status: 503, body: '' },
      { status: 200, body: '{}' },
    ]);
    const call = createCloudWatchLogsCall({ endpoint, region: 'us-east-1', credentials: async () => roleKeys });
    expect(await call('CreateLogStream', { logGroupName: 'g', logStreamName: 's' })).toEqual({});
    expect(seen).toHaveLength(3);
  });

  it("throws the service's error by its type and does not retry a client error", async () => {
    const { endpoint, seen } = await scripted([
      {
        status: 400,
        body: '{"__type":"com.amazonaws.logs#ResourceAlreadyExistsException","message":"The specified log group already exists"}',
      },
    ]);
    const call = createCloudWatchLogsCall({ endpoint, region: 'us-east-1', credentials: async () => roleKeys });
    const failure = await call('CreateLogGroup', { logGroupName: 'g' }).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(AwsServiceError);
    expect(failure).toMatchObject({
      name: 'ResourceAlreadyExistsException',
      message: 'The specified log group already exists',
      status: 400,
    });
    expect(seen).toHaveLength(1);
  });

  it('sends nothing when the host has no credentials, and says so', async () => {
    const { endpoint, seen } = await scripted([{ status: 200, body: '{}' }]);
    const call = createCloudWatchLogsCall({
      endpoint,
      region: 'us-east-1',
      credentials: () => Promise.reject(new Error('no AWS credentials: the EC2 instance has no IAM role')),
    });
    await expect(call('PutLogEvents', {})).rejects.toThrow('no AWS credentials');
    expect(seen).toHaveLength(0);
  });

  it("calls the endpoint the SDK would: the service's override, the general one, then the region's", () => {
    const both = { AWS_ENDPOINT_URL_CLOUDWATCH_LOGS: 'http://logs.local:5000', AWS_ENDPOINT_URL: 'http://all.local' };
    expect(cloudWatchLogsEndpoint(both, 'us-east-1')).toBe('http://logs.local:5000');
    expect(cloudWatchLogsEndpoint({ AWS_ENDPOINT_URL: 'http://all.local' }, 'us-east-1')).toBe('http://all.local');
    expect(cloudWatchLogsEndpoint({}, 'eu-west-3')).toBe('https://logs.eu-west-3.amazonaws.com');
    expect(cloudWatchLogsEndpoint({}, 'cn-north-1')).toBe('https://logs.cn-north-1.amazonaws.com.cn');
  });
});
