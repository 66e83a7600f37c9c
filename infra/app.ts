import { App } from 'aws-cdk-lib';
import { addBerthChecks } from './checks.ts';
import { BerthStack } from './stacks/berth-stack.ts';

const app = new App();
// cdk-nag's AwsSolutions pack: a finding fails `cdk synth` (infra/checks.ts).
addBerthChecks(app);
// `cdk deploy -c berth:stackName=BerthStaging` deploys a second, independent
// control plane next to the first; queue names follow the stack name.
const stackName: unknown = app.node.tryGetContext('berth:stackName');
new BerthStack(app, 'Berth', {
  stackName: typeof stackName === 'string' ? stackName : undefined,
  description: 'Berth: a serverless container orchestrator that speaks the Amazon ECS API',
});
