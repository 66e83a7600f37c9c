import { executeCommand } from '#shared/control/execute-command.ts';
import { listServicesByNamespace } from '#shared/control/services-by-namespace.ts';
import { executeCommandRequest } from '#shared/schemas/execute-command.ts';
import { listServicesByNamespaceRequest } from '#shared/schemas/namespace-requests.ts';
import { operation, type Operation } from './operation.ts';

/** Operations whose AWS feature Berth lacks: they answer with ECS's errors for that case. */
export const unsupportedFeatureOperations: Record<string, Operation> = {
  ExecuteCommand: operation(executeCommandRequest, (ctx, input) => executeCommand(ctx, input)),
  ListServicesByNamespace: operation(listServicesByNamespaceRequest, (_ctx, input) => listServicesByNamespace(input)),
};
