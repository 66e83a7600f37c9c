// `berth/cdk`: constructs that declare Berth resources in users' own stacks.
export { BerthCluster, type BerthClusterProps } from './berth-cluster.ts';
export { BerthProvider } from './berth-provider.ts';
export { BerthService, type BerthLoadBalancer, type BerthServiceProps } from './berth-service.ts';
export { BerthTaskDefinition, type BerthTaskDefinitionProps } from './berth-task-definition.ts';
export type { BerthConnection } from './connection.ts';
export type { BerthContainerOptions, BerthHealthCheck, BerthPortMapping } from './container.ts';
