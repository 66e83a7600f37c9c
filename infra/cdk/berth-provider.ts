import { Duration, Stack, custom_resources as cr } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import type { BerthConnection } from './connection.ts';
import { provisionerFunction } from './provider-code.ts';

const PROVIDER_ID = 'BerthProvider';

/**
 * The custom resource provider every Berth resource of a stack shares: the
 * CDK provider framework with Berth's onEvent and isComplete functions. The
 * framework's state machine polls isComplete, so a service deployment may
 * take as long as `totalTimeout` without holding a Lambda open.
 */
export class BerthProvider extends Construct {
  /** The stack's one provider, made on first use. */
  static of(scope: Construct): BerthProvider {
    const stack = Stack.of(scope);
    const existing = stack.node.tryFindChild(PROVIDER_ID);
    return existing instanceof BerthProvider ? existing : new BerthProvider(stack, PROVIDER_ID);
  }

  readonly provider: cr.Provider;
  private readonly onEvent;
  private readonly isComplete;
  private readonly granted = new Set<string>();

  private constructor(scope: Construct, id: string) {
    super(scope, id);
    this.onEvent = provisionerFunction(
      this,
      'OnEvent',
      'onEvent',
      'Berth resources: starts each change through the Berth API',
    );
    this.isComplete = provisionerFunction(
      this,
      'IsComplete',
      'isComplete',
      'Berth resources: tells when a service deployment or deletion has finished',
    );
    this.provider = new cr.Provider(this, 'Provider', {
      onEventHandler: this.onEvent,
      isCompleteHandler: this.isComplete,
      // A service deployment of a few tasks takes about a minute; ECS's own
      // AWS::ECS::Service waits up to hours, the framework allows up to two.
      queryInterval: Duration.seconds(10),
      totalTimeout: Duration.hours(1),
    });
  }

  /** The provider's token, after granting both functions read access to the connection's secret. */
  serviceToken(connection: BerthConnection): string {
    const secretId = connection.credentials.node.path;
    if (!this.granted.has(secretId)) {
      connection.credentials.grantRead(this.onEvent);
      connection.credentials.grantRead(this.isComplete);
      this.granted.add(secretId);
    }
    return this.provider.serviceToken;
  }
}
