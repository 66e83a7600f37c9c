import type { TestProject } from 'vitest/node';
import { resolveAwsEndpoint, type AwsEndpoint } from './aws-endpoint.ts';

let endpoint: AwsEndpoint | undefined;

/** Starts (or finds) the AWS-compatible endpoint once for the whole run. */
export async function setup(project: TestProject): Promise<void> {
  endpoint = await resolveAwsEndpoint();
  project.provide('awsEndpoint', endpoint.url);
  project.provide('awsEndpointKind', endpoint.kind);
}

export async function teardown(): Promise<void> {
  await endpoint?.stop();
}

declare module 'vitest' {
  export interface ProvidedContext {
    awsEndpoint: string;
    awsEndpointKind: AwsEndpoint['kind'];
  }
}
