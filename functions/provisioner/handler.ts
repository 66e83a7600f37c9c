import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { createProvisioner } from './provisioner.ts';

/**
 * Lambda entries of the custom resource provider (the CDK provider
 * framework's onEvent and isComplete functions). Unlike the control plane's
 * functions it uses the AWS SDK: it runs once per stack change, so its
 * bundle's size costs nothing that matters, and it calls Berth through the
 * unmodified ECS client as any user would.
 */
const provisioner = createProvisioner({
  secretsManager: new SecretsManagerClient({}),
  region: process.env.AWS_REGION ?? 'us-east-1',
});

export const onEvent = provisioner.onEvent;
export const isComplete = provisioner.isComplete;
