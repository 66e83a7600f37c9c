import type { Context } from 'hono';
import { join } from 'node:path';
import type { Deployment } from '#shared/domain/arn.ts';
import type { Clock } from '#shared/ports/clock.ts';
import type { Store } from '#shared/ports/store.ts';
import type { AdminService } from '#shared/security/admin-service.ts';
import type { RegistrationTokenAdmin } from '#shared/security/agent-credentials.ts';
import type { ClusterPolicyAdmin } from '#shared/security/cluster-policy-api.ts';
import type { SecretAdmin, SecretSource } from '#shared/security/secret-api.ts';
import { ADMIN_POLICY, policyDocument } from '#shared/security/policy/document.ts';
import type { SecretCipher } from '#shared/security/secret-cipher.ts';
import type { RequestGuard } from '../api/guard.ts';
import { silentLogger, type Logger } from '../runtime/logger.ts';
import type { AgentCredentialSettings } from './agent-credential-issuer.ts';
import { createAgentCredentials, type AgentCredentials } from './agent-guard.ts';
import { createAccessKeyRepository, type AccessKeyRepository } from './access-key-repository.ts';
import { createAuditLog } from './audit-log.ts';
import { createAuditRecorder } from './audit-recorder.ts';
import { createAuditThrottle } from '#shared/security/audit-throttle.ts';
import { createClusterPolicyAdmin } from './cluster-policy-admin.ts';
import { createKeyAdmin } from './key-admin.ts';
import { ephemeralCipher, loadOrCreateKeyFile, localCipher } from './local-cipher.ts';
import { createReplayGuard } from './replay-guard.ts';
import { createSecretStore } from './secret-store.ts';
import { storeScopeRefiner } from './scope-refiner.ts';
import { createSecurityGuard } from './security-guard.ts';
import { storeTagLookup } from './tag-lookup.ts';
import { requireActiveClusterNamed } from './active-cluster.ts';

export { kmsCipher } from './kms-cipher.ts';
export { ephemeralCipher, loadOrCreateKeyFile, localCipher } from './local-cipher.ts';

export interface SecurityOptions {
  /**
   * Where keys, replay claims and audit records live: the control plane's
   * table. Give it a Store instance of its own over that table, so the
   * control plane's write counters count only the control plane.
   */
  readonly store: Store;
  readonly clock: Clock;
  readonly cipher: SecretCipher;
  readonly deployment: Deployment;
  readonly logger?: Logger;
  /** How long a decrypted secret is reused; a disabled key stops working within it. 30 s by default. */
  readonly credentialCacheTtlMs?: number;
  /** Clock skew allowed either way; 5 minutes by default. */
  readonly maxSkewMs?: number;
  /** Audit records expire after this many days; kept forever when absent. */
  readonly auditRetentionDays?: number;
  /** Refused unauthenticated calls recorded in full per source address and minute; 20 by default. */
  readonly auditRefusalsPerMinute?: number;
  /** Replaces the agent API's check (instance credentials, see agent-guard.ts); for tests only. */
  readonly checkAgent?: (c: Context) => Promise<void>;
  /** Lifetimes of agent credentials; 12 hours and a 5-minute grace by default. */
  readonly agentCredentials?: AgentCredentialSettings;
}

export interface BootstrapKey {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
}

export interface Security {
  readonly guard: RequestGuard;
  readonly admin: AdminService & RegistrationTokenAdmin & ClusterPolicyAdmin & SecretAdmin;
  /** Values of Berth-stored task secrets, for the agent API's secrets route only. */
  readonly secrets: SecretSource;
  /** Registration tokens and instance credentials for agents (dev mode makes its agent's token here). */
  readonly agents: AgentCredentials;
  /**
   * Creates an administrator key named `admin` when the table holds no key
   * at all, and returns it: the only time its secret is ever shown. Returns
   * undefined when keys exist already.
   */
  bootstrapAdminKey(): Promise<BootstrapKey | undefined>;
}

/** Request signing, policies, access keys and the audit log, assembled once by a composition root. */
export function createSecurity(options: SecurityOptions): Security {
  const { store, clock, deployment } = options;
  const logger = options.logger ?? silentLogger;
  const keys = createAccessKeyRepository({
    store,
    clock,
    cipher: options.cipher,
    ...(options.credentialCacheTtlMs !== undefined && { cacheTtlMs: options.credentialCacheTtlMs }),
  });
  const audit = createAuditLog({
    store,
    clock,
    ...(options.auditRetentionDays !== undefined && { retentionDays: options.auditRetentionDays }),
  });
  // One throttle for both APIs: a source flooding either spends the same budget.
  const throttle = createAuditThrottle({
    ...(options.auditRefusalsPerMinute !== undefined && { perMinute: options.auditRefusalsPerMinute }),
  });
  const recorder = createAuditRecorder({ audit, throttle, clock, logger });
  const agents = createAgentCredentials({
    store,
    clock,
    cipher: options.cipher,
    deployment,
    audit: recorder,
    logger,
    ...(options.agentCredentials !== undefined && { settings: options.agentCredentials }),
  });
  const secrets = createSecretStore({ store, cipher: options.cipher, clock });
  const guard = createSecurityGuard({
    deployment,
    clock,
    keys,
    replay: createReplayGuard({ store, clock }),
    audit: recorder,
    tags: storeTagLookup(store),
    refine: storeScopeRefiner({ store, deployment }),
    logger,
    ...(options.maxSkewMs !== undefined && { maxSkewMs: options.maxSkewMs }),
    checkAgent: options.checkAgent ?? ((c) => agents.check(c)),
  });
  return {
    guard,
    admin: {
      ...createKeyAdmin({ deployment, keys, audit }),
      async createRegistrationToken(request) {
        await requireActiveClusterNamed(store, request.cluster);
        return agents.createRegistrationToken(request);
      },
      ...createClusterPolicyAdmin({ store, clock }),
      putSecret: (request) => secrets.putSecret(request),
      listSecrets: () => secrets.listSecrets(),
      deleteSecret: (name) => secrets.deleteSecret(name),
    },
    secrets,
    agents,
    bootstrapAdminKey: () => bootstrap(keys),
  };
}

async function bootstrap(keys: AccessKeyRepository): Promise<BootstrapKey | undefined> {
  if (await keys.any()) return undefined;
  const created = await keys.create({ name: 'admin', policy: policyDocument.parse(ADMIN_POLICY) });
  return { accessKeyId: created.key.accessKeyId, secretAccessKey: created.secret };
}

/**
 * The first administrator key of a deployment in AWS, written straight into
 * the table by `berth bootstrap` with the operator's own AWS credentials
 * (whoever can write the table and use the KMS key is administrator
 * already). Undefined when the table holds keys.
 */
export function bootstrapAdminKeyInto(options: {
  store: Store;
  clock: Clock;
  cipher: SecretCipher;
}): Promise<BootstrapKey | undefined> {
  return bootstrap(createAccessKeyRepository(options));
}

/**
 * Dev mode's cipher: a key file beside the table when it is kept on disk
 * (so keys survive a restart), an in-memory key when the table is in memory.
 */
export async function devCipher(dataDir: string | undefined): Promise<SecretCipher> {
  return dataDir === undefined
    ? ephemeralCipher()
    : localCipher(await loadOrCreateKeyFile(join(dataDir, 'berth-secrets.key')));
}
