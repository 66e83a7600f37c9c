import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { VersionConflictError } from '#shared/domain/errors.ts';
import { ManualClock } from '#shared/ports/clock.ts';
import type { AuditRecord } from '#shared/security/audit-record.ts';
import { accessKeys } from '#shared/security/collections.ts';
import { createAuditLog } from '#functions/security/audit-log.ts';
import { createSecurity, ephemeralCipher } from '#functions/security/index.ts';
import { createApp } from '#functions/api/app.ts';
import { startSecureBerth, type SecureBerth } from './support/secure-berth.ts';
import { ecsCall, sign, type Credentials } from './support/signing.ts';

/**
 * The audit log (what is recorded, read back in pages, never overwritten)
 * and the life of an access key (rotation, disabling, the credential cache,
 * secrets kept out of the table and the logs).
 */
describe('audit log and access keys', () => {
  const clock = new ManualClock(Date.UTC(2026, 2, 1, 9, 0, 0));
  const logLines: string[] = [];
  const logger = {
    info: (message: string, fields?: Record<string, unknown>) =>
      void logLines.push(JSON.stringify({ message, fields })),
    warn: (message: string, fields?: Record<string, unknown>) =>
      void logLines.push(JSON.stringify({ message, fields })),
    error: (message: string, fields?: Record<string, unknown>) =>
      void logLines.push(JSON.stringify({ message, fields: String(fields?.error ?? '') })),
  };
  let berth: SecureBerth;
  const secrets: string[] = [];

  beforeAll(async () => {
    berth = await startSecureBerth({ clock, logger, credentialCacheTtlMs: 30_000 });
    secrets.push(berth.adminKey.secretAccessKey);
  });
  afterAll(async () => {
    await berth?.close();
  });

  async function call(credentials: Credentials, operation: string, body: unknown, app = berth.app) {
    const { url, init } = await sign({ credentials, date: new Date(clock.now()), ...ecsCall(operation, body) });
    const response = await app.request(url, init);
    return {
      status: response.status,
      requestId: response.headers.get('x-amzn-requestid') ?? '',
      type: response.headers.get('x-amzn-errortype'),
    };
  }

  async function recordOf(requestId: string): Promise<AuditRecord | undefined> {
    const { records } = await berth.security.admin.readAudit({
      since: new Date(clock.now() - 3_600_000).toISOString(),
      limit: 1000,
    });
    return records.find((r) => r.requestId === requestId);
  }

  it('records a successful mutating call', async () => {
    const answer = await call(berth.adminKey, 'CreateCluster', { clusterName: 'audited' });
    expect(answer.status).toBe(200);
    expect(await recordOf(answer.requestId)).toEqual({
      time: new Date(clock.now()).toISOString(),
      requestId: answer.requestId,
      principal: `arn:aws:berth:us-east-1:000000000000:access-key/${berth.adminKey.accessKeyId}`,
      accessKeyId: berth.adminKey.accessKeyId,
      sourceAddress: 'unknown',
      action: 'ecs:CreateCluster',
      resources: ['arn:aws:ecs:us-east-1:000000000000:cluster/audited'],
      outcome: 'succeeded',
    });
  });

  it('records a mutating call that failed, with the ECS error', async () => {
    const answer = await call(berth.adminKey, 'DeleteCluster', { cluster: 'missing' });
    expect(answer.type).toBe('ClusterNotFoundException');
    expect(await recordOf(answer.requestId)).toMatchObject({
      outcome: 'failed',
      errorCode: 'ClusterNotFoundException',
      action: 'ecs:DeleteCluster',
    });
  });

  it('records an unauthenticated call as anonymous and denied', async () => {
    const answer = await call({ accessKeyId: 'BKIAZZZZZZZZZZZZZZZZ', secretAccessKey: 'x' }, 'CreateCluster', {
      clusterName: 'x',
    });
    expect(await recordOf(answer.requestId)).toMatchObject({
      principal: 'anonymous',
      accessKeyId: 'BKIAZZZZZZZZZZZZZZZZ',
      outcome: 'denied',
      errorCode: 'UnrecognizedClientException',
    });
  });

  it('does not record successful reads', async () => {
    const audits = berth.securityStore.writesTo('audit');
    const answer = await call(berth.adminKey, 'ListClusters', {});
    expect(answer.status).toBe(200);
    expect(berth.securityStore.writesTo('audit')).toBe(audits);
  });

  it('never overwrites a record', async () => {
    const log = createAuditLog({ store: berth.securityStore, clock });
    const record: AuditRecord = {
      time: new Date(clock.now()).toISOString(),
      requestId: 'fixed-id',
      principal: 'anonymous',
      sourceAddress: '192.0.2.1',
      action: 'ecs:RunTask',
      resources: [],
      outcome: 'denied',
    };
    await log.append(record);
    await expect(log.append({ ...record, outcome: 'succeeded' })).rejects.toBeInstanceOf(VersionConflictError);
    expect(await recordOf('fixed-id')).toMatchObject({ outcome: 'denied' });
  });

  it('reads back across days, oldest first, in pages', async () => {
    const log = createAuditLog({ store: berth.securityStore, clock });
    const day = (n: number, id: string): AuditRecord => ({
      time: new Date(Date.UTC(2026, 1, n, 23, 59, 59, 999)).toISOString(),
      requestId: id,
      principal: 'anonymous',
      sourceAddress: '192.0.2.1',
      action: 'ecs:RunTask',
      resources: [],
      outcome: 'denied',
    });
    for (const record of [day(10, 'd10'), day(12, 'd12a'), day(12, 'd12b'), day(20, 'd20')]) await log.append(record);
    const since = '2026-02-10T00:00:00.000Z';
    const first = await log.read({ since, limit: 3 });
    expect(first.records.map((r) => r.requestId)).toEqual(['d10', 'd12a', 'd12b']);
    expect(first.nextToken).toBeDefined();
    const second = await log.read({ limit: 3, ...(first.nextToken !== undefined && { nextToken: first.nextToken }) });
    // Then the records the earlier tests wrote today.
    expect(second.records.map((r) => r.requestId)[0]).toBe('d20');
    const later = await log.read({ since: '2026-02-12T23:59:59.999Z', limit: 10 });
    expect(later.records.map((r) => r.requestId).slice(0, 3)).toEqual(['d12a', 'd12b', 'd20']);
    await expect(log.read({ nextToken: 'forged' })).rejects.toThrow(/nextToken/);
  });

  it('rotates a key: the new one works at once, the old one is refused', async () => {
    const created = await berth.security.admin.createAccessKey({ admin: true, name: 'ci' });
    secrets.push(created.secretAccessKey);
    const rotated = await berth.security.admin.rotateAccessKey(created.accessKeyId);
    secrets.push(rotated.accessKey.secretAccessKey);
    expect(rotated.accessKey).toMatchObject({ name: 'ci', status: 'Active' });
    expect(rotated.replaced).toMatchObject({
      accessKeyId: created.accessKeyId,
      status: 'Inactive',
      replacedBy: rotated.accessKey.accessKeyId,
    });
    expect((await call(rotated.accessKey, 'ListClusters', {})).status).toBe(200);
    expect((await call(created, 'ListClusters', {})).type).toBe('UnrecognizedClientException');
  });

  it('stops a key disabled elsewhere within the credential cache TTL', async () => {
    // A second control plane over the same table, as a second Lambda instance would be.
    const elsewhere = createSecurity({
      store: berth.securityStore,
      clock,
      cipher: ephemeralCipher(),
      deployment: berth.ctx.deployment,
    });
    const created = await berth.security.admin.createAccessKey({ admin: true, name: 'cached' });
    secrets.push(created.secretAccessKey);
    expect((await call(created, 'ListClusters', {})).status).toBe(200);
    await elsewhere.admin.disableAccessKey(created.accessKeyId);
    // Still cached here: the documented window.
    expect((await call(created, 'ListClusters', {})).status).toBe(200);
    clock.advance(30_001);
    expect((await call(created, 'ListClusters', {})).type).toBe('UnrecognizedClientException');
  });

  it('refuses keys whose secret another deployment encrypted, without leaking anything', async () => {
    const other = createSecurity({
      store: berth.securityStore,
      clock,
      cipher: ephemeralCipher(),
      deployment: berth.ctx.deployment,
      logger,
    });
    const app = createApp({ ctx: berth.ctx, guard: other.guard, logger });
    const created = await berth.security.admin.createAccessKey({ admin: true, name: 'foreign' });
    secrets.push(created.secretAccessKey);
    expect((await call(created, 'ListClusters', {}, app)).status).toBe(500);
  });

  it('bootstraps an admin key only into an empty table', async () => {
    expect(await berth.security.bootstrapAdminKey()).toBeUndefined();
  });

  it('keeps every secret out of the table and the logs', async () => {
    const stored = await berth.securityStore.query(accessKeys, accessKeys.partition());
    expect(stored.items.length).toBeGreaterThanOrEqual(5);
    const table = JSON.stringify(stored.items);
    const { records } = await berth.security.admin.readAudit({ since: '2026-01-01T00:00:00Z', limit: 1000 });
    for (const secret of secrets) {
      expect(table).not.toContain(secret);
      expect(JSON.stringify(records)).not.toContain(secret);
      for (const line of logLines) expect(line).not.toContain(secret);
    }
  });
});
