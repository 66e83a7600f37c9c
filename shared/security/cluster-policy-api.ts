import * as z from 'zod';
import { name255 } from '../schemas/common.ts';
import { clusterPolicy, clusterPolicyInput, type ClusterPolicy } from './cluster-policy.ts';

/**
 * The cluster policy in the admin API:
 *
 *   PUT /admin/v1/clusters/{cluster}/policy    berth:PutClusterPolicy   the whole policy; missing fields take their default
 *   GET /admin/v1/clusters/{cluster}/policy    berth:GetClusterPolicy   the policy in force (the default if none was set)
 */
export const putClusterPolicyRequest = z.strictObject({ clusterName: name255, policy: clusterPolicyInput });
export type PutClusterPolicyRequest = z.infer<typeof putClusterPolicyRequest>;

export const getClusterPolicyRequest = z.strictObject({ clusterName: name255 });

export const clusterPolicyView = z.object({
  clusterName: name255,
  policy: clusterPolicy,
  /** False when nobody set one: the secure default is in force. */
  isSet: z.boolean(),
  updatedAt: z.string().optional(),
});
export type ClusterPolicyView = z.infer<typeof clusterPolicyView>;

export const clusterPolicyResponse = z.object({ clusterPolicy: clusterPolicyView });

export interface ClusterPolicyAdmin {
  putClusterPolicy(request: PutClusterPolicyRequest): Promise<ClusterPolicyView>;
  getClusterPolicy(clusterName: string): Promise<ClusterPolicyView>;
}

export function policyView(clusterName: string, policy: ClusterPolicy, updatedAt?: number): ClusterPolicyView {
  return {
    clusterName,
    policy,
    isSet: updatedAt !== undefined,
    ...(updatedAt !== undefined && { updatedAt: new Date(updatedAt).toISOString() }),
  };
}
