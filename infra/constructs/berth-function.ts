import { Duration, RemovalPolicy, aws_iam as iam, aws_lambda as lambda, aws_logs as logs } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { bundledCode } from './bundling.ts';

export interface BerthFunctionProps {
  /** The handler module, relative to the repository root; it exports `handler`. */
  readonly entry: string;

  /** What the function does, shown in the Lambda console. */
  readonly description: string;

  /**
   * Memory in MiB. Lambda allots CPU in proportion, so this also sets how
   * fast a cold start parses the bundle.
   * @default 256
   */
  readonly memorySize?: number;

  /**
   * How long one invocation may run.
   * @default Duration.seconds(10)
   */
  readonly timeout?: Duration;

  /**
   * Environment variables, on top of `NODE_OPTIONS=--enable-source-maps`.
   * @default - none
   */
  readonly environment?: Readonly<Record<string, string>>;

  /**
   * How long the function's log group keeps its events.
   * @default logs.RetentionDays.ONE_MONTH
   */
  readonly logRetention?: logs.RetentionDays;

  /**
   * Retries Lambda makes after an asynchronous invocation fails.
   * @default 2 (Lambda's own default)
   */
  readonly asyncRetryAttempts?: number;

  /**
   * Shell commands that write files beside the bundle once it is built,
   * given the bundle's folder (the api ships the web console's files there).
   * @default - none
   */
  readonly afterBundling?: (outputDir: string) => string[];
}

/**
 * A Berth Lambda function: Node 24 on arm64 (Graviton is about 20% cheaper
 * per GB-second), an ES module bundle built by the local esbuild, its own log
 * group with a retention, and a role that starts with nothing but writing to
 * that log group. Callers grant the rest, one resource at a time.
 */
export class BerthFunction extends Construct implements iam.IGrantable {
  readonly handler: lambda.Function;
  readonly grantPrincipal: iam.IPrincipal;
  /** The execution role, for grants no L2 construct offers (control-plane-permissions.ts). */
  readonly role: iam.Role;

  constructor(scope: Construct, id: string, props: BerthFunctionProps) {
    super(scope, id);

    const logGroup = new logs.LogGroup(this, 'Logs', {
      retention: props.logRetention ?? logs.RetentionDays.ONE_MONTH,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    // Not AWSLambdaBasicExecutionRole: that one may write to every log group
    // in the account, this one only to its own.
    const role = new iam.Role(this, 'Role', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: props.description,
    });
    logGroup.grantWrite(role);

    this.handler = new lambda.Function(this, 'Handler', {
      code: bundledCode(props.entry, props.afterBundling),
      handler: 'index.handler',
      runtime: lambda.Runtime.NODEJS_24_X,
      architecture: lambda.Architecture.ARM_64,
      memorySize: props.memorySize ?? 256,
      timeout: props.timeout ?? Duration.seconds(10),
      description: props.description,
      role,
      logGroup,
      retryAttempts: props.asyncRetryAttempts,
      environment: { ...props.environment, NODE_OPTIONS: '--enable-source-maps' },
    });
    this.grantPrincipal = role;
    this.role = role;
  }
}
