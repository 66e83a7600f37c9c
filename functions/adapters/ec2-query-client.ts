import type { Ec2Fleet } from '#shared/ports/ec2-fleet.ts';
import { signRequest } from '#shared/security/sigv4/sign.ts';
import type { AwsJsonClientOptions } from './aws-json-client.ts';
import { AwsServiceError } from './aws-json-errors.ts';

const VERSION = '2016-11-15';

/**
 * A lean EC2 client for the two calls capacity providers make. EC2 speaks
 * the Query protocol (a form-encoded POST, an XML answer), not JSON; the
 * answers are read for the few elements Berth needs, so no XML parser and
 * no SDK enter the monitor's bundle (docs/decisions.md, "Lambda bundles").
 */
export function createEc2QueryClient(options: AwsJsonClientOptions): Ec2Fleet {
  const url = new URL(options.endpoint);

  async function call(action: string, params: Record<string, string>): Promise<string> {
    const body = Buffer.from(new URLSearchParams({ Action: action, Version: VERSION, ...params }).toString());
    const headers = new Map<string, string>([
      ['host', url.host],
      ['content-type', 'application/x-www-form-urlencoded; charset=utf-8'],
    ]);
    if (options.credentials.sessionToken !== undefined) {
      headers.set('x-amz-security-token', options.credentials.sessionToken);
    }
    const path = url.pathname || '/';
    const signed = signRequest({ method: 'POST', path, query: '', headers, body }, options.credentials, {
      region: options.region,
      service: 'ec2',
      now: Date.now(),
    });
    const response = await fetch(url, { method: 'POST', headers: { ...Object.fromEntries(headers), ...signed }, body });
    const text = await response.text();
    if (!response.ok) {
      throw new AwsServiceError(element(text, 'Code') ?? 'EC2Error', element(text, 'Message') ?? text, response.status);
    }
    return text;
  }

  return {
    async runInstances({ launchTemplateId, count, tags, userData }) {
      const params: Record<string, string> = {
        'LaunchTemplate.LaunchTemplateId': launchTemplateId,
        MinCount: String(count),
        MaxCount: String(count),
        'TagSpecification.1.ResourceType': 'instance',
        ...(userData !== undefined && { UserData: userData }),
      };
      Object.entries(tags).forEach(([key, value], i) => {
        params[`TagSpecification.1.Tag.${i + 1}.Key`] = key;
        params[`TagSpecification.1.Tag.${i + 1}.Value`] = value;
      });
      const answer = await call('RunInstances', params);
      // Each launched instance is an <item> of <instancesSet> with its <instanceId>.
      return [...answer.matchAll(/<instanceId>([^<]+)<\/instanceId>/g)].map((m) => m[1] ?? '');
    },
    async terminateInstances(instanceIds) {
      if (instanceIds.length === 0) return;
      const params = Object.fromEntries(instanceIds.map((id, i) => [`InstanceId.${i + 1}`, id]));
      await call('TerminateInstances', params);
    },
    async launchTemplateExists(launchTemplateId) {
      try {
        const answer = await call('DescribeLaunchTemplates', { 'LaunchTemplateId.1': launchTemplateId });
        return answer.includes(`<launchTemplateId>${launchTemplateId}</launchTemplateId>`);
      } catch (error) {
        if (error instanceof AwsServiceError && /NotFound|Malformed/.test(error.name)) return false;
        throw error;
      }
    },
  };
}

function element(xml: string, name: string): string | undefined {
  return new RegExp(`<${name}>([^<]*)</${name}>`).exec(xml)?.[1];
}
