import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { clusterPolicy as policyCheck } from '#agent/check/cluster-policy.ts';
import { DEFAULT_CLUSTER_POLICY as literalDefault } from '#shared/security/cluster-policy-defaults.ts';
import { clusterPolicy, DEFAULT_CLUSTER_POLICY } from '#shared/security/cluster-policy.ts';
import { expectAgreement, noisy, someOf } from './check-agreement.ts';

describe('the cluster policy check (agent/check/cluster-policy.ts)', () => {
  it('has a written-out default equal to what the schema makes of {}', () => {
    expect(literalDefault).toStrictEqual(clusterPolicy.parse({}));
    expect(DEFAULT_CLUSTER_POLICY).toBe(literalDefault);
  });

  it.each<[string, unknown]>([
    ['nothing', {}],
    [
      'the relaxed policy of the hardening tests',
      { allowedCapabilities: ['NET_ADMIN'], allowedHostPaths: ['/srv/shared'], pidsLimit: 64 },
    ],
    ['capabilities to normalise', { allowedCapabilities: ['cap_net_admin', 'SYS_TIME', 'ALL'] }],
    ['host paths to normalise', { allowedHostPaths: ['/srv/data/', '/a/../b', '/', '//x//'] }],
    ['images', { images: { allowedRegistries: ['ghcr.io/acme/*', '*.dkr.ecr.*.amazonaws.com'], requireDigest: true } }],
    ['images left empty', { images: {} }],
    ['a key from a newer control plane', { allowGpus: true, images: { signedBy: 'x' } }],
    [
      'every field',
      {
        allowPrivileged: true,
        allowHostNetwork: true,
        allowHostPid: true,
        allowDockerSocket: true,
        allowTaskMetadataAccess: true,
        pidsLimit: 4_194_304,
        defaultMemoryMiB: 6,
      },
    ],
    ['a bad capability', { allowedCapabilities: ['NET-ADMIN'] }],
    ['a relative host path', { allowedHostPaths: ['srv'] }],
    ['a NUL in a host path', { allowedHostPaths: ['/srv\0'] }],
    ['an empty host path', { allowedHostPaths: [''] }],
    ['too low a pids limit', { pidsLimit: 15 }],
    ['a fractional memory', { defaultMemoryMiB: 6.5 }],
    ['a bad registry', { images: { allowedRegistries: ['ghcr.io/a b'] } }],
    ['images null', { images: null }],
    ['65 capabilities', { allowedCapabilities: Array.from({ length: 65 }, () => 'NET_ADMIN') }],
    ['a string', 'policy'],
    ['null', null],
    ['an array', []],
  ])('agrees with the schema on %s', (_what, input) => {
    expectAgreement(policyCheck, clusterPolicy, input);
  });

  it('agrees with the schema on generated policies', () => {
    const input = someOf({
      allowPrivileged: noisy(fc.boolean()),
      allowedCapabilities: noisy(
        fc.array(noisy(fc.constantFrom('net_admin', 'CAP_SYS_TIME', 'ALL', 'bad-name', '')), { maxLength: 3 }),
      ),
      allowHostNetwork: noisy(fc.boolean()),
      allowedHostPaths: noisy(fc.array(noisy(fc.constantFrom('/srv/', '/a/./b/..', 'rel', '/', '')), { maxLength: 3 })),
      pidsLimit: noisy(fc.integer({ min: 0, max: 5_000_000 })),
      defaultMemoryMiB: noisy(fc.oneof(fc.integer({ min: 0, max: 20_000_000 }), fc.double())),
      images: noisy(
        someOf({
          allowedRegistries: noisy(fc.array(noisy(fc.constantFrom('ghcr.io/*', 'a b', '')), { maxLength: 3 })),
          requireDigest: noisy(fc.boolean()),
        }),
      ),
    });
    fc.assert(
      fc.property(input, (policy) => expectAgreement(policyCheck, clusterPolicy, policy)),
      { numRuns: 300 },
    );
  });
});
