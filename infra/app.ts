import { App } from 'aws-cdk-lib';
import { addBerthChecks } from './checks.ts';
import { BerthStack } from './stacks/berth-stack.ts';

const app = new App();
// cdk-nag's AwsSolutions pack: a finding fails `cdk synth` (infra/checks.ts).
addBerthChecks(app);
// `cdk deploy -c berth:stackName=BerthStaging` deploys a second, independent
// control plane next to the first; queue names follow the stack name.
const stackName: unknown = app.node.tryGetContext('berth:stackName');
// `-c berth:hostRoleArns=arn:...:role/a,arn:...:role/b`: the roles of the
// instance profiles capacity providers' launch templates name (docs/deploy.md).
const hostRoleArns: unknown = app.node.tryGetContext('berth:hostRoleArns');
// `-c berth:alarmEmail=ops@example.com` or `-c berth:alarmTopicArn=arn:...`: where alarms notify.
const context = (name: string): string | undefined => {
  const value: unknown = app.node.tryGetContext(name);
  return typeof value === 'string' && value !== '' ? value : undefined;
};
new BerthStack(app, 'Berth', {
  alarmEmail: context('berth:alarmEmail'),
  alarmTopicArn: context('berth:alarmTopicArn'),
  // `-c berth:agentReleaseUrl=https://.../berth-agent.tar.gz`: launched hosts install the agent by themselves.
  agentReleaseUrl: context('berth:agentReleaseUrl'),
  stackName: typeof stackName === 'string' ? stackName : undefined,
  hostRoleArns: typeof hostRoleArns === 'string' ? hostRoleArns.split(',').filter((arn) => arn !== '') : undefined,
  description: 'Berth: a serverless container orchestrator that speaks the Amazon ECS API',
});
