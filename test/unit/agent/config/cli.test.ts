import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseCli } from '#agent/config/cli.ts';

const scratch = mkdtempSync(join(tmpdir(), 'berth-cli-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

function configFile(content: unknown): string {
  const file = join(mkdtempSync(join(scratch, 'config-')), 'agent.json');
  writeFileSync(file, JSON.stringify(content));
  return file;
}

function config(argv: string[], env: NodeJS.ProcessEnv = {}) {
  const result = parseCli(argv, env);
  if (!result.ok || !('config' in result)) throw new Error(`expected a config, got ${JSON.stringify(result)}`);
  return result.config;
}

describe('parseCli', () => {
  it('takes flags over environment over the config file, with defaults for the rest', () => {
    const file = configFile({ endpoint: 'https://file:1', cluster: 'from-file', reservedPorts: [8080], drain: true });
    const parsed = config(['--config', file, '--cluster', 'from-flag'], {
      BERTH_ENDPOINT: 'https://env:2',
      BERTH_CLUSTER: 'from-env',
    });
    expect(parsed).toMatchObject({
      endpoint: 'https://env:2',
      cluster: 'from-flag',
      reservedPorts: [8080],
      drain: true,
      stateDir: '/var/lib/berth-agent',
      logLevel: 'info',
    });
  });

  it('reads every flag', () => {
    const parsed = config([
      '--endpoint',
      'https://cp:8080',
      '--cluster',
      'prod',
      '--registration-token',
      'tok',
      '--state-dir',
      '/tmp/s',
      '--docker-host',
      'tcp://d:2375',
      '--reserved-memory',
      '512',
      '--reserved-ports',
      '80,443',
      '--reserved-ports-udp',
      '53',
      '--dynamic-port-range',
      '40000-41000',
      '--poll-interval',
      '2',
      '--cleanup-delay',
      '60',
      '--stop-timeout',
      '10',
      '--imds-endpoint',
      'http://127.0.0.1:9',
      '--attribute',
      'stack=blue',
      '--attribute',
      'x=a=b',
      '--drain',
      '--log-level',
      'debug',
    ]);
    expect(parsed).toEqual({
      endpoint: 'https://cp:8080',
      cluster: 'prod',
      registrationToken: 'tok',
      stateDir: '/tmp/s',
      dockerHost: 'tcp://d:2375',
      reservedMemoryMiB: 512,
      reservedPorts: [80, 443],
      reservedPortsUdp: [53],
      dynamicPortRange: '40000-41000',
      pollIntervalSeconds: 2,
      cleanupDelaySeconds: 60,
      defaultStopTimeoutSeconds: 10,
      imds: { endpoint: 'http://127.0.0.1:9' },
      attributes: { stack: 'blue', x: 'a=b' },
      allowInsecureHttp: false,
      drain: true,
      logLevel: 'debug',
    });
  });

  it('reads the engine deadlines and the foreign container check from the file, the call deadline from a flag over it', () => {
    const file = configFile({
      endpoint: 'https://file:1',
      cluster: 'c',
      engineTimeouts: { callMs: 9_000, livenessIntervalMs: 2_000 },
      foreignContainerCheckSeconds: 5,
    });
    expect(config(['--config', file])).toMatchObject({
      engineTimeouts: { callMs: 9_000, livenessIntervalMs: 2_000 },
      foreignContainerCheckSeconds: 5,
    });
    expect(config(['--config', file, '--engine-timeout', '4']).engineTimeouts).toEqual({
      callMs: 4_000,
      livenessIntervalMs: 2_000,
    });
    expect(config(['--config', file], { BERTH_ENGINE_TIMEOUT: '7' }).engineTimeouts).toMatchObject({ callMs: 7_000 });
  });

  it.each<[string[], NodeJS.ProcessEnv, number | undefined]>([
    [['--metrics-interval', '5'], {}, 5],
    [[], { BERTH_METRICS_INTERVAL: '0' }, 0],
    [[], {}, undefined],
  ])('reads the metrics interval from %j %j', (argv, env, seconds) => {
    expect(config(['--endpoint', 'https://cp:1', '--cluster', 'c', ...argv], env).metricsIntervalSeconds).toBe(seconds);
  });

  it('refuses a negative metrics interval', () => {
    expect(parseCli(['--endpoint', 'https://cp:1', '--cluster', 'c', '--metrics-interval=-1'], {})).toMatchObject({
      ok: false,
      message: expect.stringMatching(/metricsIntervalSeconds/),
    });
  });

  it.each([
    [['--no-imds'], {}],
    [[], { BERTH_IMDS: 'off' }],
  ])('turns EC2 metadata off with %j %j', (argv, env) => {
    expect(config(['--endpoint', 'https://cp:1', '--cluster', 'c', ...argv], env).imds).toBe(false);
  });

  it.each([
    [['--no-task-metadata'], {}, false],
    [[], { BERTH_TASK_METADATA: 'off' }, false],
    [['--task-metadata-address', '10.9.8.7'], {}, { address: '10.9.8.7' }],
    [[], { BERTH_TASK_METADATA_ADDRESS: '10.9.8.7' }, { address: '10.9.8.7' }],
    [[], {}, undefined],
  ])('reads the task metadata setting from %j %j', (argv, env, expected) => {
    expect(config(['--endpoint', 'https://cp:1', '--cluster', 'c', ...argv], env).taskMetadata).toEqual(expected);
  });

  it.each<[string[], RegExp]>([
    [['--cluster', 'c'], /endpoint/],
    [['--endpoint', 'https://cp:1', '--cluster', 'bad name'], /cluster/],
    [['--endpoint', 'https://cp:1', '--cluster', 'c', '--reserved-memory', 'lots'], /reservedMemoryMiB/],
    [['--endpoint', 'https://cp:1', '--cluster', 'c', '--engine-timeout', '0'], /engineTimeouts.callMs/],
    [['--bogus'], /bogus/],
    [['--config', '/nonexistent/agent.json'], /config file/],
  ])('says what is wrong with %j', (argv, message) => {
    const result = parseCli(argv, {});
    expect(result.ok).toBe(false);
    expect(!result.ok && result.message).toMatch(message);
  });
});
