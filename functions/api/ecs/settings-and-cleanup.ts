import { accountSettingOperations } from './account-settings.ts';
import { clusterUpdateOperations } from './cluster-update.ts';
import type { Operation } from './operation.ts';
import { taskDefinitionDeletionOperations } from './task-definition-deletion.ts';
import { unsupportedFeatureOperations } from './unsupported-features.ts';

/**
 * Cluster updates, account settings, task definition deletion and the
 * operations Berth answers without the AWS feature behind them (Cloud Map
 * namespaces, ECS Exec), joined here so the router takes them in one line.
 */
export const settingsAndCleanupOperations: Record<string, Operation> = {
  ...clusterUpdateOperations,
  ...accountSettingOperations,
  ...unsupportedFeatureOperations,
  ...taskDefinitionDeletionOperations,
};
