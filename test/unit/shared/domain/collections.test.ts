import { describe, expect, it } from 'vitest';
import {
  capacityProviders,
  clusters,
  containerInstances,
  controlPlanePulses,
  idempotencyRecords,
  instanceLeases,
  services,
  taskDefinitionFamilies,
  taskDefinitions,
  tasks,
  type KeyedCollection,
} from '#shared/domain/collections.ts';
import { keyOf } from '#shared/ports/store.ts';
import {
  accessKeys,
  auditRecords,
  instanceCredentials,
  registrationTokens,
  signatureClaims,
  signingKeys,
} from '#shared/security/collections.ts';
import { clusterPolicies } from '#shared/security/cluster-policy.ts';
import { storedSecrets } from '#shared/security/secret-api.ts';

/**
 * Each row: a collection, the fields its layout reads from an entity, and the
 * parts a caller who holds no entity passes to `partition(...)` and `key(...)`.
 * Both ways must name the same item, or a caller would read where nobody wrote.
 */
interface Row {
  readonly collection: KeyedCollection<never, never[], never[]>;
  readonly fields: Record<string, unknown>;
  readonly partitionParts: string[];
  readonly keyParts: (string | number)[];
}

function row<T, P extends unknown[], K extends unknown[]>(
  collection: KeyedCollection<T, P, K>,
  fields: Partial<T>,
  partitionParts: P,
  keyParts: K,
): [string, Row] {
  return [collection.name, { collection, fields, partitionParts, keyParts } as unknown as Row];
}

const SIGNATURE = 'a'.repeat(64);
const TIME = '2026-12-06T10:00:00.000Z';

const rows = [
  row(clusters, { clusterName: 'c' }, [], ['c']),
  row(taskDefinitionFamilies, { family: 'web' }, [], ['web']),
  row(taskDefinitions, { family: 'web', revision: 7 }, [], ['web', 7]),
  row(containerInstances, { clusterName: 'c', id: 'i1' }, ['c'], ['c', 'i1']),
  row(instanceLeases, { clusterName: 'c', instanceId: 'i1' }, ['c'], ['c', 'i1']),
  row(tasks, { clusterName: 'c', taskId: 't1' }, ['c'], ['c', 't1']),
  row(idempotencyRecords, { clusterName: 'c', operation: 'RunTask', token: 'tok' }, ['c'], ['c', 'RunTask', 'tok']),
  row(services, { clusterName: 'c', serviceName: 'web' }, ['c'], ['c', 'web']),
  row(controlPlanePulses, {}, [], []),
  row(accessKeys, { accessKeyId: 'AKID' }, [], ['AKID']),
  row(signatureClaims, { signature: SIGNATURE }, [SIGNATURE], [SIGNATURE]),
  row(auditRecords, { time: TIME, requestId: 'r1' }, ['2026-12-06'], [TIME, 'r1']),
  row(registrationTokens, { tokenHash: 'h' }, [], ['h']),
  row(signingKeys, { keyId: 'k1' }, [], ['k1']),
  row(instanceCredentials, { cluster: 'c', instanceId: 'i1' }, ['c'], ['c', 'i1']),
  row(clusterPolicies, { clusterName: 'c' }, [], ['c']),
  row(storedSecrets, { name: 's' }, [], ['s']),
  row(capacityProviders, { name: 'web' }, [], ['web']),
];

describe('the table layout', () => {
  it.each(rows)('%s: key(...) names the item an entity is written to', (_name, { collection, fields, keyParts }) => {
    // The layout reads only these fields; a whole valid entity would add nothing.
    const entity = fields as never;
    expect(collection.key(...(keyParts as never[]))).toEqual(keyOf(collection, entity));
  });

  it.each(rows)(
    '%s: partition(...) names the partition an entity is listed in',
    (_name, { collection, fields, partitionParts }) => {
      expect(collection.partition(...(partitionParts as never[]))).toBe(collection.partitionOf(fields as never));
    },
  );

  it('gives every collection a partition of its own', () => {
    const layouts = rows.map(([, { collection, partitionParts }]) =>
      collection.partition(...(partitionParts as never[])),
    );
    expect(new Set(layouts).size).toBe(rows.length);
  });

  it('lists the revisions of one family, and only them, under its prefix', () => {
    const prefix = taskDefinitions.familyPrefix('web');
    expect(taskDefinitions.key('web', 12).sort.startsWith(prefix)).toBe(true);
    expect(taskDefinitions.key('web-api', 1).sort.startsWith(prefix)).toBe(false);
    // Padded revisions sort as numbers.
    expect(taskDefinitions.key('web', 9).sort < taskDefinitions.key('web', 10).sort).toBe(true);
  });
});
