import { CustomResource, Lazy, Stack } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { BerthProvider } from './berth-provider.ts';
import type { BerthConnection } from './connection.ts';

/**
 * A Berth resource: a CustomResource of `type` on the stack's one provider.
 * The ECS request is one JSON property, produced at synthesis (so containers
 * added after construction are in it) with tokens such as another resource's
 * ARN resolved by CloudFormation.
 */
export function berthResource(
  scope: Construct,
  type: 'Custom::BerthCluster' | 'Custom::BerthTaskDefinition' | 'Custom::BerthService',
  connection: BerthConnection,
  request: () => Record<string, unknown>,
): CustomResource {
  const stack = Stack.of(scope);
  return new CustomResource(scope, 'Resource', {
    serviceToken: BerthProvider.of(scope).serviceToken(connection),
    resourceType: type,
    properties: {
      Endpoint: connection.endpoint,
      CredentialsSecretArn: connection.credentials.secretArn,
      Region: connection.region ?? stack.region,
      Request: Lazy.string({ produce: () => stack.toJsonString(request()) }),
    },
  });
}
