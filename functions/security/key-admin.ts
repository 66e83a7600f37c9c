import type { Deployment } from '#shared/domain/arn.ts';
import { ClientError } from '#shared/domain/errors.ts';
import type { StoredAccessKey } from '#shared/security/access-key.ts';
import type { AccessKeySummary } from '#shared/security/admin-api.ts';
import type { AdminService } from '#shared/security/admin-service.ts';
import { ADMIN_POLICY, policyDocument } from '#shared/security/policy/document.ts';
import { berthArns } from '#shared/security/principal.ts';
import type { AccessKeyRepository } from './access-key-repository.ts';
import type { AuditLog } from './audit-log.ts';
import { AccessKeyNotFoundError } from './errors.ts';

/**
 * Key management behind the admin API. Secrets appear only in the answers
 * to create and rotate; listings never carry them.
 *
 * Rotation makes a new key (new id and secret, same name and policy) and
 * disables the old one in the same call: the caller switches to the key it
 * is handed. Clients elsewhere holding the old key are refused once their
 * verifier's cache expires (see DEFAULT_CREDENTIAL_CACHE_TTL_MS).
 */
export function createKeyAdmin(deps: {
  deployment: Deployment;
  keys: AccessKeyRepository;
  audit: AuditLog;
}): AdminService {
  const { deployment, keys } = deps;
  const summarize = (key: StoredAccessKey): AccessKeySummary => ({
    accessKeyId: key.accessKeyId,
    name: key.name,
    status: key.status,
    principal: berthArns.accessKey(deployment, key.accessKeyId),
    createdAt: new Date(key.createdAt).toISOString(),
    ...(key.disabledAt !== undefined && { disabledAt: new Date(key.disabledAt).toISOString() }),
    ...(key.replacedBy !== undefined && { replacedBy: key.replacedBy }),
    policy: key.policy,
  });

  async function existing(id: string): Promise<StoredAccessKey> {
    const found = await keys.get(id);
    if (!found) throw new AccessKeyNotFoundError(id);
    return found.value;
  }

  return {
    async createAccessKey(request) {
      const policy = request.policy ?? policyDocument.parse(ADMIN_POLICY);
      const created = await keys.create({ name: request.name ?? (request.admin ? 'admin' : 'key'), policy });
      return { ...summarize(created.key), secretAccessKey: created.secret };
    },

    async listAccessKeys() {
      return (await keys.list()).map(summarize);
    },

    async disableAccessKey(id) {
      await existing(id);
      const disabled = await keys.disable(id);
      if (!disabled) throw new AccessKeyNotFoundError(id);
      return summarize(disabled);
    },

    async rotateAccessKey(id) {
      const old = await existing(id);
      if (old.status !== 'Active') throw new ClientError(`The access key ${id} is disabled; create a new key instead`);
      const created = await keys.create({ name: old.name, policy: old.policy });
      const replaced = await keys.disable(id, created.key.accessKeyId);
      if (!replaced) throw new AccessKeyNotFoundError(id);
      return {
        accessKey: { ...summarize(created.key), secretAccessKey: created.secret },
        replaced: summarize(replaced),
      };
    },

    readAudit: (request) => deps.audit.read(request),
  };
}
