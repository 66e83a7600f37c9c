// `npm run start:aws-local`: Berth as its CDK stack deploys it, on this
// machine. Starts moto server (or uses AWS_ENDPOINT_URL), creates the stack's
// table, queues and key there, and runs the three Lambda bundles behind a
// function URL, the SQS event source and the schedule. Prints the endpoint
// and how to create the first key; Ctrl-C stops everything it started.
import { parseArgs } from 'node:util';
import { startLambdaHarness } from './index.ts';

const { values } = parseArgs({
  options: {
    port: { type: 'string', default: '8787' },
    'monitor-interval': { type: 'string' },
    quiet: { type: 'boolean', default: false },
  },
});

const harness = await startLambdaHarness({
  ...(process.env.AWS_ENDPOINT_URL && { awsEndpoint: process.env.AWS_ENDPOINT_URL }),
  apiPort: Number(values.port),
  ...(values['monitor-interval'] !== undefined && { monitorIntervalMs: Number(values['monitor-interval']) * 1000 }),
  ...(!values.quiet && { onLog: (name, line) => process.stdout.write(`[${name}] ${line}\n`) }),
});

const env = harness.env;
process.stdout.write(`
Berth is running as Lambda runs it (bundles from the synthesized stack ${harness.blueprint.stackName}).

  Endpoint (the function URL):  ${harness.endpoint}
  AWS emulator (moto server):   ${env.AWS_ENDPOINT_URL}
  Table:                        ${env.BERTH_TABLE_NAME}
  Secrets key:                  ${env.BERTH_KMS_KEY_ID}

Create the first administrator key (once):

  AWS_ENDPOINT_URL=${env.AWS_ENDPOINT_URL} AWS_REGION=${env.AWS_REGION} \\
  AWS_ACCESS_KEY_ID=testing AWS_SECRET_ACCESS_KEY=testing \\
  node bin/berth.js bootstrap --table ${env.BERTH_TABLE_NAME} --kms-key-id ${env.BERTH_KMS_KEY_ID}

then, with that key in AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY:

  aws ecs list-clusters --endpoint-url ${harness.endpoint}

Ctrl-C stops the functions and the emulator; nothing is kept.
`);

let stopping = false;
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    if (stopping) return;
    stopping = true;
    void harness.stop().then(() => process.exit(0));
  });
}
