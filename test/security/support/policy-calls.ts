import { policyDocument, type PolicyDocumentInput } from '#shared/security/policy/document.ts';
import { startSecureBerth, type SecureBerth } from './secure-berth.ts';
import { ecsCall, sign, type Credentials } from './signing.ts';

/** An ECS call signed with the given key, answered in process: status, error type, message, request id and body. */
export function ecsCaller(berth: () => SecureBerth) {
  return async (credentials: Credentials, operation: string, body: unknown) => {
    const { url, init } = await sign({ credentials, date: new Date(), ...ecsCall(operation, body) });
    const response = await berth().app.request(url, init);
    const json = (await response.json()) as { __type?: string; message?: string } & Record<string, unknown>;
    return {
      status: response.status,
      type: json.__type,
      message: json.message ?? '',
      requestId: response.headers.get('x-amzn-requestid'),
      json,
    };
  };
}

/** A new access key whose policy is the one given. */
export function keyWithPolicy(berth: () => SecureBerth) {
  return async (policy: PolicyDocumentInput): Promise<Credentials> => {
    const created = await berth().security.admin.createAccessKey({ policy: policyDocument.parse(policy) });
    return { accessKeyId: created.accessKeyId, secretAccessKey: created.secretAccessKey };
  };
}

/**
 * A secure Berth holding what the policy suites decide over: clusters A
 * (tag env=dev) and B (env=prod) and the task definition family `web`.
 */
export async function startTwoClusterBerth(): Promise<SecureBerth> {
  const berth = await startSecureBerth();
  const call = ecsCaller(() => berth);
  await call(berth.adminKey, 'CreateCluster', { clusterName: 'A', tags: [{ key: 'env', value: 'dev' }] });
  await call(berth.adminKey, 'CreateCluster', { clusterName: 'B', tags: [{ key: 'env', value: 'prod' }] });
  await call(berth.adminKey, 'RegisterTaskDefinition', {
    family: 'web',
    containerDefinitions: [{ name: 'web', image: 'busybox', memory: 64 }],
  });
  return berth;
}
