import {
  CreateClusterCommand,
  DeleteClusterCommand,
  CreateServiceCommand,
  ECSClient,
  RegisterTaskDefinitionCommand,
  RunTaskCommand,
  UpdateServiceCommand,
  type ContainerDefinition as SdkContainerDefinition,
  type Volume,
} from '@aws-sdk/client-ecs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runBerth } from '#cli/berth.ts';
import { arns } from '#shared/domain/arn.ts';
import { checkTaskDefinition, hostPathAsk, type PolicySubject } from '#shared/security/cluster-policy-check.ts';
import {
  clusterPolicy,
  clusterPolicyInput,
  DEFAULT_CLUSTER_POLICY,
  type ClusterPolicy,
} from '#shared/security/cluster-policy.ts';
import { checkImage, parseImageReference } from '#shared/security/image-policy.ts';
import { policyDocument } from '#shared/security/policy/document.ts';
import { startSecureBerth, type SecureBerth } from './support/secure-berth.ts';

const DIGEST = `sha256:${'a'.repeat(64)}`;

describe('image references', () => {
  it.each([
    ['nginx', { registry: 'docker.io', repository: 'library/nginx', tag: 'latest' }],
    ['nginx:1.25', { registry: 'docker.io', repository: 'library/nginx', tag: '1.25' }],
    ['acme/app', { registry: 'docker.io', repository: 'acme/app', tag: 'latest' }],
    ['index.docker.io/library/nginx', { registry: 'docker.io', repository: 'library/nginx' }],
    ['localhost:5000/app:v1', { registry: 'localhost:5000', repository: 'app', tag: 'v1' }],
    ['localhost/app', { registry: 'localhost', repository: 'app' }],
    ['GHCR.io/acme/team/app@' + DIGEST, { registry: 'ghcr.io', repository: 'acme/team/app', digest: DIGEST }],
    [
      '123456789012.dkr.ecr.eu-west-1.amazonaws.com/app:1@' + DIGEST,
      { registry: '123456789012.dkr.ecr.eu-west-1.amazonaws.com', tag: '1', digest: DIGEST },
    ],
  ])('%s', (image, expected) => {
    expect(parseImageReference(image)).toMatchObject(expected);
  });

  it.each(['', 'UPPER/case', 'app:', 'app@sha256:short', 'a//b', 'app:bad tag'])('refuses %j', (image) => {
    expect(parseImageReference(image)).toBeUndefined();
  });
});

describe('the image policy', () => {
  const registries = (allowedRegistries: string[], requireDigest = false) =>
    clusterPolicy.parse({ images: { allowedRegistries, requireDigest } }).images;

  it.each<[string, string[], string, boolean]>([
    ['any registry when the list is empty', [], 'evil.example.com/x', true],
    ['a registry host', ['registry.example.com'], 'registry.example.com/team/app:1', true],
    ['another host', ['registry.example.com'], 'registry.example.com.evil.net/app', false],
    [
      'ECR in any account and region',
      ['*.dkr.ecr.*.amazonaws.com'],
      '123456789012.dkr.ecr.us-east-1.amazonaws.com/app',
      true,
    ],
    [
      'a host that only ends like ECR',
      ['*.dkr.ecr.*.amazonaws.com'],
      '1.dkr.ecr.us-east-1.amazonaws.com.evil.net/app',
      false,
    ],
    ['Docker official images', ['docker.io/library/*'], 'nginx:1.25', true],
    ['not other Docker Hub users', ['docker.io/library/*'], 'attacker/nginx', false],
    ['an official image named without library/', ['docker.io/busybox'], 'busybox', true],
    ['nested repositories under an organisation', ['ghcr.io/acme/*'], 'ghcr.io/acme/team/app', true],
    ['not a neighbouring organisation', ['ghcr.io/acme/*'], 'ghcr.io/acme-evil/app', false],
  ])('allows %s: %j, %s', (_, allowed, image, ok) => {
    expect(checkImage(image, registries(allowed), 'prod', "container 'app'") === undefined).toBe(ok);
  });

  it('names the registry, the cluster and what is allowed', () => {
    expect(checkImage('quay.io/x/y:1', registries(['ghcr.io/acme/*']), 'prod', "container 'app'")).toBe(
      "container 'app' uses image 'quay.io/x/y:1' from quay.io/x/y, which cluster 'prod' does not allow (allowed: ghcr.io/acme/*)",
    );
  });

  it('requires a digest when asked, and takes a tag with one', () => {
    const pinned = registries([], true);
    expect(checkImage('nginx:1.25', pinned, 'prod', "container 'app'")).toMatch(
      /not pinned by digest; cluster 'prod' requires images as name@sha256:<digest>/,
    );
    expect(checkImage(`nginx:1.25@${DIGEST}`, pinned, 'prod', "container 'app'")).toBeUndefined();
    expect(checkImage(`nginx@sha512:${'b'.repeat(128)}`, pinned, 'prod', "container 'app'")).toMatch(/not pinned/);
  });
});

describe('host paths', () => {
  const policy = (extra: Partial<ClusterPolicy>) => ({ ...DEFAULT_CLUSTER_POLICY, ...extra });
  it.each<[string, Partial<ClusterPolicy>, string, RegExp | undefined]>([
    ['nothing by default', {}, '/srv/data', /the host path '\/srv\/data'/],
    ['a path under an allowed prefix', { allowedHostPaths: ['/srv/data'] }, '/srv/data/app', undefined],
    ['not a sibling that shares the prefix', { allowedHostPaths: ['/srv/data'] }, '/srv/database', /host path/],
    [
      'not a way out with ..',
      { allowedHostPaths: ['/srv/data'] },
      '/srv/data/../../etc',
      /host path '\/srv\/data\/..\/..\/etc'/,
    ],
    [
      'not the Docker socket, even under an allowed prefix',
      { allowedHostPaths: ['/var/run'] },
      '/var/run/docker.sock',
      /engine's socket/,
    ],
    ['not a directory holding the socket', { allowedHostPaths: ['/'] }, '/run', /engine's socket/],
    ['the socket when the policy says so', { allowDockerSocket: true }, '/var/run/docker.sock', undefined],
    ['not a relative path', { allowedHostPaths: ['/'] }, 'data', /not absolute/],
  ])('%s', (_, extra, path, expected) => {
    const ask = hostPathAsk(path, policy(extra));
    if (expected) expect(ask).toMatch(expected);
    else expect(ask).toBeUndefined();
  });
});

describe('checking a task definition', () => {
  const subject = (
    container: Partial<PolicySubject['containerDefinitions'][number]>,
    task: Partial<PolicySubject> = {},
  ): PolicySubject => ({
    networkMode: 'bridge',
    containerDefinitions: [{ name: 'app', image: 'busybox', ...container }],
    ...task,
  });

  it.each<[string, PolicySubject, string]>([
    [
      'privileged mode',
      subject({ privileged: true }),
      "container 'app' asks for privileged mode, which cluster 'prod' does not allow",
    ],
    [
      'added capabilities',
      subject({ linuxParameters: { capabilities: { add: ['CAP_SYS_ADMIN', 'NET_RAW'] } } }),
      "container 'app' asks for the Linux capabilities SYS_ADMIN, NET_RAW, which cluster 'prod' does not allow",
    ],
    [
      'host networking',
      subject({}, { networkMode: 'host' }),
      "the task definition asks for host networking, which cluster 'prod' does not allow",
    ],
    [
      'the host PID namespace',
      subject({}, { pidMode: 'host' }),
      "the task definition asks for the host's PID namespace, which cluster 'prod' does not allow",
    ],
    [
      'the host IPC namespace',
      subject({}, { ipcMode: 'host' }),
      "the task definition asks for the host's IPC namespace, which cluster 'prod' does not allow",
    ],
    [
      'an unconfined seccomp profile',
      subject({ dockerSecurityOptions: ['seccomp=unconfined', 'apparmor:docker-default'] }),
      "container 'app' asks for the security options seccomp=unconfined, which cluster 'prod' does not allow",
    ],
    [
      'the Docker socket',
      subject(
        { mountPoints: [{ sourceVolume: 'sock', containerPath: '/var/run/docker.sock' }] },
        { volumes: [{ name: 'sock', host: { sourcePath: '/var/run/docker.sock' } }] },
      ),
      "container 'app' asks for the container engine's socket (host path '/var/run/docker.sock'), which cluster 'prod' does not allow",
    ],
  ])('refuses %s with its reason', (_, definition, reason) => {
    expect(checkTaskDefinition(definition, DEFAULT_CLUSTER_POLICY, 'prod')).toEqual([
      expect.objectContaining({ reason }),
    ]);
  });

  it('allows what the policy allows and names every violation otherwise', () => {
    const asking = subject(
      { privileged: true, linuxParameters: { capabilities: { add: ['NET_ADMIN'], drop: ['ALL'] } } },
      { networkMode: 'host' },
    );
    expect(checkTaskDefinition(asking, DEFAULT_CLUSTER_POLICY, 'prod')).toHaveLength(3);
    const relaxed = clusterPolicy.parse({
      allowPrivileged: true,
      allowedCapabilities: ['cap_net_admin'],
      allowHostNetwork: true,
    });
    expect(checkTaskDefinition(asking, relaxed, 'prod')).toEqual([]);
    const unconfined = subject({ dockerSecurityOptions: ['apparmor:unconfined'] }, { ipcMode: 'host' });
    expect(checkTaskDefinition(unconfined, DEFAULT_CLUSTER_POLICY, 'prod')).toHaveLength(2);
    expect(
      checkTaskDefinition(unconfined, clusterPolicy.parse({ allowUnconfined: true, allowHostIpc: true }), 'prod'),
    ).toEqual([]);
    expect(
      checkTaskDefinition(
        asking,
        clusterPolicy.parse({ allowPrivileged: true, allowedCapabilities: ['ALL'], allowHostNetwork: true }),
        'prod',
      ),
    ).toEqual([]);
  });

  it('refuses a misspelt policy field instead of ignoring it', () => {
    expect(clusterPolicyInput.safeParse({ allowPrivilged: true }).success).toBe(false);
    expect(clusterPolicyInput.safeParse({ allowedCapabilities: ['NET ADMIN'] }).success).toBe(false);
    expect(clusterPolicyInput.parse({ allowedHostPaths: ['/srv/data/'] }).allowedHostPaths).toEqual(['/srv/data']);
  });
});

/**
 * The policy through what users touch: the admin API through `berth
 * cluster-policy`, and RunTask/CreateService/UpdateService through the
 * unmodified ECS SDK. A refused call writes nothing.
 */
describe('the cluster policy in the API', () => {
  let berth: SecureBerth;
  let ecs: ECSClient;
  let dir: string;

  const container = (extra: Partial<SdkContainerDefinition> = {}): SdkContainerDefinition => ({
    name: 'app',
    image: 'busybox:1.36',
    memory: 64,
    ...extra,
  });
  async function register(family: string, extra: Partial<SdkContainerDefinition> = {}, volumes: Volume[] = []) {
    await ecs.send(new RegisterTaskDefinitionCommand({ family, containerDefinitions: [container(extra)], volumes }));
  }
  async function refusal(send: () => Promise<unknown>) {
    const writes = berth.ctx.store.stats.writes;
    const error = await send().then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(berth.ctx.store.stats.writes).toBe(writes);
    expect(error).toBeInstanceOf(Error);
    return error instanceof Error ? { name: error.name, message: error.message } : undefined;
  }
  async function cli(args: string[]) {
    let stdout = '';
    let stderr = '';
    const env = {
      BERTH_ENDPOINT: berth.endpoint,
      AWS_ACCESS_KEY_ID: berth.adminKey.accessKeyId,
      AWS_SECRET_ACCESS_KEY: berth.adminKey.secretAccessKey,
    };
    const code = await runBerth(args, { stdout: (t) => void (stdout += t), stderr: (t) => void (stderr += t), env });
    return { code, stdout, stderr };
  }
  async function setPolicy(cluster: string, policy: unknown) {
    const file = join(dir, `${cluster}-${Date.now()}.json`);
    await writeFile(file, JSON.stringify(policy));
    return cli(['cluster-policy', 'set', cluster, '--file', file, '--output', 'json']);
  }

  beforeAll(async () => {
    berth = await startSecureBerth({ listen: true });
    ecs = new ECSClient({ endpoint: berth.endpoint, region: 'us-east-1', credentials: berth.adminKey, maxAttempts: 1 });
    dir = await mkdtemp(join(tmpdir(), 'berth-policy-'));
    await ecs.send(new CreateClusterCommand({ clusterName: 'prod' }));
    await register('plain');
    await register('root', { privileged: true });
    await register('socket', { mountPoints: [{ sourceVolume: 'sock', containerPath: '/var/run/docker.sock' }] }, [
      { name: 'sock', host: { sourcePath: '/var/run/docker.sock' } },
    ]);
    await register('quay', { image: 'quay.io/acme/app:1' });
    await register('tagged', { image: 'ghcr.io/acme/app:1' });
    await register('pinned', { image: `ghcr.io/acme/app@${DIGEST}` });
  });
  afterAll(async () => {
    ecs?.destroy();
    await berth?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('forgets a deleted cluster’s policy, so a cluster created again under its name starts from the default', async () => {
    await ecs.send(new CreateClusterCommand({ clusterName: 'again' }));
    expect((await setPolicy('again', { ...DEFAULT_CLUSTER_POLICY, allowPrivileged: true })).code).toBe(0);
    await ecs.send(new DeleteClusterCommand({ cluster: 'again' }));
    await ecs.send(new CreateClusterCommand({ clusterName: 'again' }));
    const answer = await cli(['cluster-policy', 'get', 'again', '--output', 'json']);
    expect(JSON.parse(answer.stdout)).toMatchObject({
      clusterPolicy: { isSet: false, policy: DEFAULT_CLUSTER_POLICY },
    });
  });

  it('starts from the secure default', async () => {
    const answer = await cli(['cluster-policy', 'get', 'prod', '--output', 'json']);
    expect(answer.code).toBe(0);
    expect(JSON.parse(answer.stdout)).toEqual({
      clusterPolicy: { clusterName: 'prod', isSet: false, policy: DEFAULT_CLUSTER_POLICY },
    });
  });

  it.each([
    ['a privileged task', 'root', "container 'app' asks for privileged mode, which cluster 'prod' does not allow"],
    [
      'a Docker socket mount',
      'socket',
      "container 'app' asks for the container engine's socket (host path '/var/run/docker.sock'), which cluster 'prod' does not allow",
    ],
  ])('refuses %s at RunTask with its reason', async (_, family, reason) => {
    expect(await refusal(() => ecs.send(new RunTaskCommand({ cluster: 'prod', taskDefinition: family })))).toEqual({
      name: 'ClientException',
      message: reason,
    });
  });

  it('lets an ordinary task through the policy (on to placement)', async () => {
    const answer = await refusal(() => ecs.send(new RunTaskCommand({ cluster: 'prod', taskDefinition: 'plain' })));
    expect(answer?.message).toMatch(/No Container Instances/);
  });

  it('refuses a disallowed registry, then a tag where a digest is required', async () => {
    expect((await setPolicy('prod', { images: { allowedRegistries: ['ghcr.io/acme/*'] } })).code).toBe(0);
    const registry = await refusal(() => ecs.send(new RunTaskCommand({ cluster: 'prod', taskDefinition: 'quay' })));
    expect(registry).toEqual({
      name: 'ClientException',
      message:
        "container 'app' uses image 'quay.io/acme/app:1' from quay.io/acme/app, which cluster 'prod' does not allow (allowed: ghcr.io/acme/*)",
    });
    expect(
      (await setPolicy('prod', { images: { allowedRegistries: ['ghcr.io/acme/*'], requireDigest: true } })).code,
    ).toBe(0);
    const tag = await refusal(() => ecs.send(new RunTaskCommand({ cluster: 'prod', taskDefinition: 'tagged' })));
    expect(tag?.message).toBe(
      "container 'app' uses image 'ghcr.io/acme/app:1', which is not pinned by digest; cluster 'prod' requires images as name@sha256:<digest>",
    );
    const pinned = await refusal(() => ecs.send(new RunTaskCommand({ cluster: 'prod', taskDefinition: 'pinned' })));
    expect(pinned?.message).toMatch(/No Container Instances/);
  });

  it('refuses CreateService and an UpdateService that switches to a refused task definition', async () => {
    await setPolicy('prod', {});
    expect(
      await refusal(() =>
        ecs.send(
          new CreateServiceCommand({ cluster: 'prod', serviceName: 'svc', taskDefinition: 'root', desiredCount: 1 }),
        ),
      ),
    ).toMatchObject({
      name: 'ClientException',
      message: expect.stringContaining('privileged mode'),
    });
    await ecs.send(
      new CreateServiceCommand({ cluster: 'prod', serviceName: 'svc', taskDefinition: 'plain', desiredCount: 0 }),
    );
    expect(
      await refusal(() =>
        ecs.send(new UpdateServiceCommand({ cluster: 'prod', service: 'svc', taskDefinition: 'socket' })),
      ),
    ).toMatchObject({
      name: 'ClientException',
      message: expect.stringContaining("engine's socket"),
    });
  });

  it('allows what an administrator allows, and shows the policy set', async () => {
    const set = await setPolicy('prod', { allowPrivileged: true });
    expect(JSON.parse(set.stdout)).toMatchObject({
      clusterPolicy: { isSet: true, policy: { allowPrivileged: true, pidsLimit: 4096 } },
    });
    const answer = await refusal(() => ecs.send(new RunTaskCommand({ cluster: 'prod', taskDefinition: 'root' })));
    expect(answer?.message).toMatch(/No Container Instances/);
    expect((await cli(['cluster-policy', 'get', 'prod'])).stdout).toMatch(/^Cluster prod: policy set \d{4}-/);
  });

  it('refuses a misspelt policy file, an unknown cluster, and a key without berth:PutClusterPolicy', async () => {
    const typo = await setPolicy('prod', { allowPriviliged: true });
    expect(typo).toMatchObject({ code: 2, stderr: expect.stringContaining('allowPriviliged') });
    expect(await setPolicy('nope', {})).toMatchObject({
      code: 1,
      stderr: expect.stringContaining('ClusterNotFoundException'),
    });
    const reader = await berth.security.admin.createAccessKey({
      policy: policyDocument.parse({
        Statement: [{ Effect: 'Allow', Action: ['ecs:*', 'berth:GetClusterPolicy'], Resource: '*' }],
      }),
    });
    const file = join(dir, 'open.json');
    await writeFile(file, JSON.stringify({ allowPrivileged: true }));
    let stderr = '';
    const env = {
      BERTH_ENDPOINT: berth.endpoint,
      AWS_ACCESS_KEY_ID: reader.accessKeyId,
      AWS_SECRET_ACCESS_KEY: reader.secretAccessKey,
    };
    const code = await runBerth(['cluster-policy', 'set', 'prod', '--file', file], {
      stdout: () => {},
      stderr: (t) => void (stderr += t),
      env,
    });
    expect(code).toBe(1);
    expect(stderr).toMatch(/AccessDeniedException: .*berth:PutClusterPolicy/);
  });

  it('lets a key limited to one cluster set that cluster’s policy and no other', async () => {
    await ecs.send(new CreateClusterCommand({ clusterName: 'staging' }));
    const staging = arns.cluster(berth.ctx.deployment, 'staging');
    const keeper = await berth.security.admin.createAccessKey({
      policy: policyDocument.parse({
        Statement: [
          { Effect: 'Allow', Action: ['berth:PutClusterPolicy', 'berth:GetClusterPolicy'], Resource: staging },
        ],
      }),
    });
    const file = join(dir, 'staging.json');
    await writeFile(file, JSON.stringify({ pidsLimit: 512 }));
    const as = async (args: string[]) => {
      let stderr = '';
      const env = {
        BERTH_ENDPOINT: berth.endpoint,
        AWS_ACCESS_KEY_ID: keeper.accessKeyId,
        AWS_SECRET_ACCESS_KEY: keeper.secretAccessKey,
      };
      const code = await runBerth(args, { stdout: () => {}, stderr: (t) => void (stderr += t), env });
      return { code, stderr };
    };
    expect(await as(['cluster-policy', 'set', 'staging', '--file', file])).toEqual({ code: 0, stderr: '' });
    const elsewhere = await as(['cluster-policy', 'set', 'prod', '--file', file]);
    expect(elsewhere.code).toBe(1);
    expect(elsewhere.stderr).toMatch(/AccessDeniedException: .*berth:PutClusterPolicy on .*cluster\/prod/);
    expect((await as(['cluster-policy', 'get', 'prod'])).stderr).toMatch(
      /AccessDeniedException: .*berth:GetClusterPolicy/,
    );
    const prod = await cli(['cluster-policy', 'get', 'prod', '--output', 'json']);
    expect(JSON.parse(prod.stdout).clusterPolicy.policy.pidsLimit).not.toBe(512);
  });
});
