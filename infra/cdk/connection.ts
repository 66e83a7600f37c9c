import type { aws_secretsmanager as secretsmanager } from 'aws-cdk-lib';

/** Where a Berth resource lives and how the provider signs its calls. */
export interface BerthConnection {
  /** The Berth endpoint, the control plane stack's `ApiUrl` output. */
  readonly endpoint: string;
  /**
   * A secret holding `{"accessKeyId": ..., "secretAccessKey": ...}` of a Berth
   * access key allowed to manage these resources (docs/deploy.md). The
   * provider gets read access to it and to nothing else.
   */
  readonly credentials: secretsmanager.ISecret;
  /**
   * The region requests are signed for.
   * @default - the stack's region
   */
  readonly region?: string;
}
