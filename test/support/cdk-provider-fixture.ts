import { randomUUID } from 'node:crypto';
import type { Service } from '@aws-sdk/client-ecs';
import { CreateSecretCommand, type SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { adminCall } from '#cli/admin-client.ts';
import { createAccessKeyResponse } from '#shared/security/admin-api.ts';
import { waitFor } from './wait.ts';

type Key = { accessKeyId: string; secretAccessKey: string };

/** A new Secrets Manager secret holding `value` as JSON, as the constructs' connection expects it; answers its ARN. */
export async function secretHolding(secretsManager: SecretsManagerClient, value: unknown): Promise<string> {
  const out = await secretsManager.send(
    new CreateSecretCommand({ Name: `berth-key-${randomUUID()}`, SecretString: JSON.stringify(value) }),
  );
  return out.ARN ?? '';
}

/** A Berth access key with `statements` as its policy, created through the admin API with the administrator key. */
export async function keyWithPolicy(
  endpoint: string,
  admin: Key,
  name: string,
  statements: readonly { Effect: 'Allow' | 'Deny'; Action: string[]; Resource: string[] }[],
): Promise<Key> {
  const call = adminCall({ endpoint, region: 'us-east-1', credentials: admin });
  const answer = await call(createAccessKeyResponse, 'POST', '/access-keys', {
    name,
    policy: { Statement: statements },
  });
  return answer.accessKey;
}

/**
 * The requests of the stack both provider suites deploy: a task definition
 * family `cfn-web` of one container, and a service `cfn-web` of two tasks
 * with the rolling-back circuit breaker.
 */
export function providerRequests(cluster: string, image: string) {
  return {
    taskDefinition: (command: string[]) => ({
      family: 'cfn-web',
      containerDefinitions: [{ name: 'app', image, cpu: 64, memory: 32, command, stopTimeout: 1 }],
    }),
    service: (taskDefinitionArn: string) => ({
      cluster,
      serviceName: 'cfn-web',
      taskDefinition: taskDefinitionArn,
      desiredCount: 2,
      deploymentConfiguration: {
        minimumHealthyPercent: 50,
        maximumPercent: 200,
        deploymentCircuitBreaker: { enable: true, rollback: true },
      },
    }),
  };
}

/** What the provider fails a service event with when the circuit breaker stops its deployment. */
export const CIRCUIT_BREAKER_REASON =
  /ended (FAILED|ROLLBACK_\w+|STOPPED): ECS deployment circuit breaker: tasks failed to start/;

/** Waits for the service's primary deployment to be `revision` again, COMPLETED (a finished rollback). */
export function rolledBackTo(describeService: () => Promise<Service>, revision: string): Promise<Service> {
  return waitFor(
    async () => {
      const service = await describeService();
      const primary = service.deployments?.[0];
      return primary?.taskDefinition === revision && primary.rolloutState === 'COMPLETED' ? service : undefined;
    },
    { timeoutMs: 120_000, what: 'the rollback to complete' },
  );
}
