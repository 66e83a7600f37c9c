/**
 * Benchmark: the host agent as users run it (bin/berth-agent.js, its own
 * process) against dev mode.
 *  - idle RSS and CPU with 0 and with 50 running tasks;
 *  - RunTask-to-RUNNING latency for a local image, median of 20, against
 *    plain `docker run -d` of the same image, median of 20.
 * The agent runs at dev mode's 2 s poll interval: RunTask places the task
 * and wakes the agent's held poll, whose answer carries the task's spec, so
 * RunTask-to-RUNNING includes no poll wait. Run: npm run bench:agent, which
 * builds the agent bundle first (bin/berth-agent.js runs it when fresh);
 * `npm run bench:agent -- --rss-only` measures idle RSS and CPU only (0 and
 * 50 tasks, no latency runs); `--logs` makes every task an awslogs one
 * printing a line a second, `--cloudwatch` also runs the agent with
 * `--awslogs cloudwatch` against a moto server.
 */
import { execFile, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import {
  CreateClusterCommand,
  DescribeTasksCommand,
  ECSClient,
  ListContainerInstancesCommand,
  RegisterTaskDefinitionCommand,
  RunTaskCommand,
} from '@aws-sdk/client-ecs';
import { startDevServer } from '#functions/runtime/dev-server.ts';
import { ensureBusyboxImage } from '../support/busybox-image.ts';

const run = promisify(execFile);
const CLUSTER = 'agent-bench';
// Dev mode's default interval: new work reaches the agent through its held
// (long) poll, woken by the placement, not at the next interval.
const POLL_SECONDS = 2;
const RSS_ONLY = process.argv.includes('--rss-only');
/** `--logs`: every task logs with awslogs and prints a line a second, so the agent ships all 50 tasks' output. */
/** `--cloudwatch`: the same tasks, and the agent writes their output to CloudWatch Logs (a moto server started here). */
const CLOUDWATCH = process.argv.includes('--cloudwatch');
const WITH_LOGS = CLOUDWATCH || process.argv.includes('--logs');
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;

/** A line of /proc/PID/status in MiB: VmRSS, or its parts RssAnon (heaps) and RssFile (mapped files, mostly node). */
function statusMiB(pid: number, field: 'VmRSS' | 'RssAnon' | 'RssFile'): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(new RegExp(`${field}:\\s+(\\d+)`).exec(status)?.[1] ?? NaN) / 1024;
}

/** CPU seconds (user + system) the process has used so far. */
function cpuSeconds(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

async function idle(
  pid: number,
  seconds: number,
): Promise<{ rss: number; anon: number; file: number; cpuPercent: number }> {
  await sleep(3_000);
  const cpu0 = cpuSeconds(pid);
  const rss: number[] = [];
  for (let i = 0; i < seconds; i++) {
    await sleep(1_000);
    rss.push(statusMiB(pid, 'VmRSS'));
  }
  return {
    rss: median(rss),
    anon: statusMiB(pid, 'RssAnon'),
    file: statusMiB(pid, 'RssFile'),
    cpuPercent: ((cpuSeconds(pid) - cpu0) / seconds) * 100,
  };
}

async function cleanup(): Promise<void> {
  const { stdout } = await run('docker', ['ps', '-aq', '--filter', `label=com.berth.cluster=${CLUSTER}`]);
  const ids = stdout.split('\n').filter(Boolean);
  if (ids.length) await run('docker', ['rm', '-f', ...ids]);
  const plain = await run('docker', ['ps', '-aq', '--filter', 'label=berth-bench=plain']);
  const plainIds = plain.stdout.split('\n').filter(Boolean);
  if (plainIds.length) await run('docker', ['rm', '-f', ...plainIds]);
}

/** moto_server on a free loopback port, answered once it serves. */
async function startMotoServer(): Promise<{ url: string; child: ReturnType<typeof spawn> }> {
  const port = 20_000 + Math.floor(Math.random() * 20_000);
  const child = spawn('moto_server', ['-H', '127.0.0.1', '-p', String(port)], { stdio: 'ignore' });
  const url = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 300; i++) {
    if (
      await fetch(`${url}/moto-api/`).then(
        (r) => r.ok,
        () => false,
      )
    )
      return { url, child };
    await sleep(100);
  }
  child.kill();
  throw new Error('moto_server did not answer within 30 s');
}

async function main(): Promise<void> {
  const image = await ensureBusyboxImage();
  await cleanup();
  const server = await startDevServer({ port: 0, env: { ...process.env, AWS_ENDPOINT_URL: undefined } });
  if (!server.adminKey) throw new Error('dev mode created no administrator key');
  const ecs = new ECSClient({ endpoint: server.endpoint, region: 'us-east-1', credentials: server.adminKey });
  await ecs.send(new CreateClusterCommand({ clusterName: CLUSTER }));
  await ecs.send(
    new RegisterTaskDefinitionCommand({
      family: 'idle',
      containerDefinitions: [
        WITH_LOGS
          ? {
              name: 'app',
              image,
              memory: 8,
              command: ['sh', '-c', 'while true; do echo tick; sleep 1; done'],
              stopTimeout: 1,
              logConfiguration: {
                logDriver: 'awslogs',
                options: {
                  'awslogs-group': '/bench',
                  'awslogs-stream-prefix': 'b',
                  'awslogs-region': 'us-east-1',
                  'awslogs-create-group': 'true',
                },
              },
            }
          : { name: 'app', image, memory: 8, command: ['sleep', '3600'], stopTimeout: 1 },
      ],
    }),
  );
  const token = await server.registrationToken(CLUSTER);
  const moto = CLOUDWATCH ? await startMotoServer() : undefined;
  const agent = spawn(
    process.execPath,
    [
      'bin/berth-agent.js',
      '--endpoint',
      server.endpoint,
      '--cluster',
      CLUSTER,
      '--registration-token',
      token,
      '--state-dir',
      mkdtempSync(join(tmpdir(), 'berth-bench-')),
      '--no-imds',
      '--log-level',
      'warn',
      '--poll-interval',
      String(POLL_SECONDS),
      ...(moto ? ['--awslogs', 'cloudwatch'] : []),
    ],
    {
      stdio: ['ignore', 'ignore', 'inherit'],
      // A host's credentials and region; CloudWatch Logs' endpoint the SDK's standard way.
      env: moto
        ? {
            ...process.env,
            AWS_ENDPOINT_URL_CLOUDWATCH_LOGS: moto.url,
            AWS_REGION: 'us-east-1',
            AWS_ACCESS_KEY_ID: 'bench',
            AWS_SECRET_ACCESS_KEY: 'bench',
          }
        : process.env,
    },
  );
  const pid = agent.pid ?? 0;
  try {
    for (let i = 0; i < 200; i++) {
      const listed = await ecs.send(new ListContainerInstancesCommand({ cluster: CLUSTER }));
      if (listed.containerInstanceArns?.length) break;
      await sleep(100);
    }
    const idle0 = await idle(pid, 20);
    // What actually runs: the launcher replaces itself with the bundle and its flags when it can.
    const commandLine = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean).slice(1).join(' ');

    const latencies: number[] = [];
    const accepted: number[] = [];
    const placed: number[] = [];
    for (let i = 0; i < (RSS_ONLY ? 0 : 20); i++) {
      const started = performance.now();
      const out = await ecs.send(new RunTaskCommand({ cluster: CLUSTER, taskDefinition: 'idle' }));
      accepted.push(performance.now() - started);
      const arn = out.tasks?.[0]?.taskArn ?? '';
      let sawPlaced = false;
      for (;;) {
        const d = await ecs.send(new DescribeTasksCommand({ cluster: CLUSTER, tasks: [arn] }));
        if (!sawPlaced && d.tasks?.[0]?.containerInstanceArn) {
          sawPlaced = true;
          placed.push(performance.now() - started);
        }
        if (d.tasks?.[0]?.lastStatus === 'RUNNING') break;
        await sleep(10);
      }
      latencies.push(performance.now() - started);
    }
    const plain: number[] = [];
    for (let i = 0; i < (RSS_ONLY ? 0 : 20); i++) {
      const started = performance.now();
      await run('docker', ['run', '-d', '--label', 'berth-bench=plain', '-m', '8m', image, 'sleep', '3600']);
      plain.push(performance.now() - started);
    }
    const plainIds = (await run('docker', ['ps', '-aq', '--filter', 'label=berth-bench=plain'])).stdout
      .split('\n')
      .filter(Boolean);
    if (plainIds.length) await run('docker', ['rm', '-f', ...plainIds]);

    // 50 tasks in all: the 20 of the latency runs (none with --rss-only) and these.
    await Promise.all(
      Array.from({ length: RSS_ONLY ? 5 : 3 }, () =>
        ecs.send(new RunTaskCommand({ cluster: CLUSTER, taskDefinition: 'idle', count: 10 })),
      ),
    );
    for (let i = 0; i < 600; i++) {
      const { stdout } = await run('docker', ['ps', '-q', '--filter', `label=com.berth.cluster=${CLUSTER}`]);
      if (stdout.split('\n').filter(Boolean).length >= 50) break;
      await sleep(200);
    }
    const idle50 = await idle(pid, 20);

    console.log(
      `\nberth-agent on Node ${process.version}, poll interval ${POLL_SECONDS} s, running as: ${commandLine}`,
    );
    const idleRows = [
      { measure: 'idle RSS, 0 tasks (MiB)', value: idle0.rss.toFixed(1) },
      {
        measure: '  of which anonymous / file-backed (MiB)',
        value: `${idle0.anon.toFixed(1)} / ${idle0.file.toFixed(1)}`,
      },
      { measure: 'idle CPU, 0 tasks (% of one core)', value: idle0.cpuPercent.toFixed(2) },
      { measure: 'idle RSS, 50 tasks (MiB)', value: idle50.rss.toFixed(1) },
      {
        measure: '  of which anonymous / file-backed (MiB)',
        value: `${idle50.anon.toFixed(1)} / ${idle50.file.toFixed(1)}`,
      },
      { measure: 'idle CPU, 50 tasks (% of one core)', value: idle50.cpuPercent.toFixed(2) },
    ];
    if (RSS_ONLY) {
      console.table(idleRows);
      return;
    }
    console.table([
      ...idleRows,
      { measure: 'RunTask answered, median of 20 (ms)', value: median(accepted).toFixed(0) },
      { measure: 'RunTask to placed (PENDING), median of 20 (ms)', value: median(placed).toFixed(0) },
      { measure: 'RunTask to RUNNING, median of 20 (ms)', value: median(latencies).toFixed(0) },
      { measure: 'docker run -d, median of 20 (ms)', value: median(plain).toFixed(0) },
      { measure: 'overhead over docker run (ms)', value: (median(latencies) - median(plain)).toFixed(0) },
    ]);
  } finally {
    agent.kill('SIGTERM');
    await sleep(500);
    await cleanup();
    ecs.destroy();
    await server.stop();
    moto?.child.kill();
  }
}

await main();
