import {
  capacityProviderStrategy,
  loadBalancers,
  networkConfiguration,
  serviceRegistries,
} from '#shared/schemas/traffic-requests.ts';
import { note, notYet, platformOnly, supported, unsupported, type MemberAnswer } from './answer.ts';

/**
 * Berth's declared answer for the request members its operations' schemas do
 * not declare, by operation and member path (members.json's notation). A
 * member the schema declares is `supported` without an entry here (see
 * coverage.ts); an answer covers the member's own members too.
 */
export type DeclaredAnswers = Readonly<Record<string, Readonly<Record<string, MemberAnswer>>>>;

const FARGATE = 'AWS Fargate';

const taskDefinitionMembers: Record<string, MemberAnswer> = {
  'containerDefinitions[].credentialSpecs': unsupported(
    'credentialSpecs',
    'Active Directory gMSA needs a domain integration Berth hosts do not have',
  ),
  'containerDefinitions[].resourceRequirements[].sharingStrategy': unsupported(
    'resourceRequirements.sharingStrategy',
    'a GPU task gets whole GPUs; NVIDIA MPS sharing is not available',
  ),
  'containerDefinitions[].firelensConfiguration': note(
    'accepted and returned as registered, so exported task definitions register unchanged; the agent refuses to run a task that needs a FireLens log router, which Berth does not run',
  ),
  'volumes[].efsVolumeConfiguration': unsupported(
    'efsVolumeConfiguration',
    'Amazon EFS volumes need the ECS volume plugin; use dockerVolumeConfiguration with a driver that mounts EFS',
  ),
  'volumes[].s3filesVolumeConfiguration': unsupported(
    's3filesVolumeConfiguration',
    'Amazon S3 Files volumes need the ECS volume plugin; use dockerVolumeConfiguration with a suitable driver',
  ),
  'volumes[].fsxWindowsFileServerVolumeConfiguration': platformOnly(
    'fsxWindowsFileServerVolumeConfiguration',
    'Windows container instances',
  ),
  'volumes[].configuredAtLaunch': unsupported(
    'configuredAtLaunch',
    'volumes configured at launch are Amazon EBS volumes, which Berth does not attach',
  ),
  proxyConfiguration: unsupported('proxyConfiguration', 'Berth has no App Mesh proxy; route through the cluster DNS'),
  inferenceAccelerators: unsupported(
    'inferenceAccelerators',
    'Amazon Elastic Inference accelerators are retired and no Berth host offers them',
  ),
  enableFaultInjection: platformOnly('enableFaultInjection', `${FARGATE} and ECS-managed awsvpc tasks`),
};

/** What RunTask and StartTask share: networking, volumes, and the overrides Berth cannot apply. */
const launchMembers: Record<string, MemberAnswer> = {
  volumeConfigurations: unsupported('volumeConfigurations', 'Berth does not create or attach Amazon EBS volumes'),
  'overrides.containerOverrides[].resourceRequirements': unsupported(
    'containerOverrides.resourceRequirements',
    'Berth does not apply GPU overrides yet; declare them in the task definition',
  ),
  'overrides.inferenceAcceleratorOverrides': unsupported(
    'inferenceAcceleratorOverrides',
    'Amazon Elastic Inference accelerators are retired and no Berth host offers them',
  ),
  'overrides.ephemeralStorage': platformOnly('ephemeralStorage override', FARGATE),
};

const rebalancing = (value: unknown): boolean => value === 'DISABLED';
const ecsController = (value: unknown): boolean =>
  typeof value === 'object' && value !== null && (value as { type?: unknown }).type === 'ECS';

/** What CreateService and UpdateService share. */
const serviceMembers: Record<string, MemberAnswer> = {
  platformVersion: platformOnly('platformVersion', FARGATE),
  availabilityZoneRebalancing: unsupported(
    'availabilityZoneRebalancing',
    'Berth places by its placement strategies, not by Availability Zone; only DISABLED is accepted',
    rebalancing,
  ),
  'deploymentConfiguration.deploymentCircuitBreaker.resetOnHealthyTask': unsupported(
    'deploymentCircuitBreaker.resetOnHealthyTask',
    'the circuit breaker counts every failure of a deployment',
  ),
  'deploymentConfiguration.deploymentCircuitBreaker.thresholdConfiguration': unsupported(
    'deploymentCircuitBreaker.thresholdConfiguration',
    'the circuit breaker uses ECS’s default threshold',
  ),
  'deploymentConfiguration.alarms': unsupported(
    'deploymentConfiguration.alarms',
    'Berth does not watch CloudWatch alarms during deployments',
  ),
  'deploymentConfiguration.bakeTimeInMinutes': unsupported(
    'deploymentConfiguration.bakeTimeInMinutes',
    'only rolling deployments are supported',
  ),
  'deploymentConfiguration.lifecycleHooks': unsupported(
    'deploymentConfiguration.lifecycleHooks',
    'Berth does not invoke deployment lifecycle hooks',
  ),
  'deploymentConfiguration.linearConfiguration': unsupported(
    'deploymentConfiguration.linearConfiguration',
    'only rolling deployments are supported',
  ),
  'deploymentConfiguration.canaryConfiguration': unsupported(
    'deploymentConfiguration.canaryConfiguration',
    'only rolling deployments are supported',
  ),
  'deploymentConfiguration.earlySuccessCriteria': unsupported(
    'deploymentConfiguration.earlySuccessCriteria',
    'only rolling deployments are supported',
  ),
  serviceConnectConfiguration: unsupported(
    'serviceConnectConfiguration',
    'Berth has no Service Connect proxy; tasks find each other through the cluster DNS',
  ),
  volumeConfigurations: unsupported('volumeConfigurations', 'Berth does not create or attach Amazon EBS volumes'),
  vpcLatticeConfigurations: unsupported('vpcLatticeConfigurations', 'Berth does not register tasks with VPC Lattice'),
  gatewayConnectors: unsupported('gatewayConnectors', 'Berth does not connect services to ECS gateways'),
  monitoring: unsupported('monitoring', 'Berth publishes its own service metrics'),
};

const MANAGED_INSTANCES =
  'Berth launches EC2 instances from a launch template (autoScalingGroupProvider), not ECS Managed Instances';
const capacityProviderMembers: Record<string, MemberAnswer> = {
  cluster: unsupported('cluster', MANAGED_INSTANCES),
  managedInstancesProvider: unsupported('managedInstancesProvider', MANAGED_INSTANCES),
};

export const declaredAnswers: DeclaredAnswers = {
  CreateCapacityProvider: capacityProviderMembers,
  UpdateCapacityProvider: capacityProviderMembers,
  DeleteCapacityProvider: { cluster: capacityProviderMembers.cluster! },
  DescribeCapacityProviders: { cluster: capacityProviderMembers.cluster! },
  RegisterTaskDefinition: taskDefinitionMembers,
  RunTask: {
    ...launchMembers,
    platformVersion: platformOnly('platformVersion', FARGATE),
  },
  StartTask: launchMembers,
  CreateService: {
    ...serviceMembers,
    role: unsupported('role', 'Berth uses its own role'),
  },
  UpdateService: {
    ...serviceMembers,
    deploymentController: unsupported(
      'deploymentController',
      'only the ECS (rolling) deployment controller is supported',
      ecsController,
    ),
  },
  CreateTaskSet: {
    loadBalancers: notYet('loadBalancers', loadBalancers),
    serviceRegistries: notYet('serviceRegistries', serviceRegistries),
    networkConfiguration: notYet('networkConfiguration', networkConfiguration),
    capacityProviderStrategy: notYet('capacityProviderStrategy', capacityProviderStrategy),
    platformVersion: platformOnly('platformVersion', FARGATE),
  },
  CreateCluster: {
    configuration: unsupported(
      'configuration',
      'ECS Exec logging and Fargate storage encryption are not available on Berth clusters',
    ),
    serviceConnectDefaults: unsupported(
      'serviceConnectDefaults',
      'Berth has no Service Connect; tasks find each other through the cluster DNS',
    ),
  },
  ListTasks: {
    daemonName: unsupported('daemonName', 'Berth runs daemons as services with the DAEMON scheduling strategy'),
  },
  ListServices: {
    resourceManagementType: unsupported(
      'resourceManagementType',
      'every Berth service is managed by its owner; leave the filter out',
    ),
  },
};
