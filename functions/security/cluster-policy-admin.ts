import type { Clock } from '#shared/ports/clock.ts';
import type { Store } from '#shared/ports/store.ts';
import { clusterPolicies, DEFAULT_CLUSTER_POLICY } from '#shared/security/cluster-policy.ts';
import { policyView, type ClusterPolicyAdmin } from '#shared/security/cluster-policy-api.ts';
import { requireActiveClusterNamed } from './active-cluster.ts';

/**
 * Cluster policies behind the admin API. A policy belongs to an existing
 * cluster (a misspelt name is an error, not a policy nobody reads) and is
 * replaced whole: what the request leaves out takes its secure default.
 */
export function createClusterPolicyAdmin(deps: { store: Store; clock: Clock }): ClusterPolicyAdmin {
  const { store, clock } = deps;

  const requireCluster = (name: string) => requireActiveClusterNamed(store, name);

  return {
    async putClusterPolicy({ clusterName, policy }) {
      await requireCluster(clusterName);
      const item = { clusterName, policy, updatedAt: clock.now() };
      for (;;) {
        const existing = await store.get(clusterPolicies, clusterPolicies.key(clusterName));
        const outcome = existing
          ? await store.tryReplace(clusterPolicies, item, existing.version)
          : await store.tryCreate(clusterPolicies, item);
        if (outcome.written) return policyView(clusterName, policy, item.updatedAt);
        // Two writers at once: the last one wins, as with any whole replacement.
      }
    },

    async getClusterPolicy(clusterName) {
      await requireCluster(clusterName);
      const found = await store.get(clusterPolicies, clusterPolicies.key(clusterName));
      return found
        ? policyView(clusterName, found.value.policy, found.value.updatedAt)
        : policyView(clusterName, DEFAULT_CLUSTER_POLICY);
    },
  };
}
