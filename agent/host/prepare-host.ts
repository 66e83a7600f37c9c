import { DNS_VIEW_ATTRIBUTE } from '#shared/schemas/instance-attributes.ts';
import type { RuntimeInfo } from '#shared/ports/container-runtime.ts';
import type { RegisterInstanceRequest } from '#shared/schemas/agent-api.ts';
import type { AgentOptions, AgentSettings } from '../config/agent-options.ts';
import type { AgentLogger } from '../log.ts';
import { AGENT_VERSION } from '../version.ts';
import { registrationRequest } from './discovery.ts';
import { readEc2Identity, type Ec2Identity } from './imds.ts';
import { chooseHostAddress, defaultRouteAddress } from './host-address.ts';
import { MetadataServiceGuard } from './imds-block.ts';

export interface PreparedHost {
  /** Follows the cluster's policy as task specs bring it. */
  readonly metadata: MetadataServiceGuard;
  readonly ec2: Ec2Identity | undefined;
  /** What the instance registers with: the engine's resources less the reservations, and its attributes. */
  readonly registration: Omit<RegisterInstanceRequest, 'instanceId'>;
}

/**
 * The host, made ready once its engine answers and before the agent
 * registers: the metadata-service block is in place, and the host is
 * described from the engine's info and, on EC2, the instance metadata.
 */
export async function prepareHost(
  info: RuntimeInfo,
  options: Pick<AgentOptions, 'allowTaskImds' | 'attributes' | 'hostAddress' | 'dns'>,
  settings: AgentSettings,
  logger: AgentLogger,
): Promise<PreparedHost> {
  // Before any task runs: containers must not borrow the host's cloud credentials.
  const metadata = new MetadataServiceGuard({
    forceAllow: options.allowTaskImds === true,
    dockerHost: settings.dockerHost,
    logger,
  });
  await metadata.start();
  const ec2 = settings.imds ? await readEc2Identity(settings.imds.endpoint, settings.imds.timeoutMs) : undefined;
  const registration = registrationRequest(info, ec2, {
    agentVersion: AGENT_VERSION,
    reservedMemoryMiB: settings.reservedMemoryMiB,
    reservedPorts: settings.reservedPorts,
    reservedPortsUdp: settings.reservedPortsUdp,
    // An agent serving the DNS view says so: the control plane then lets a leaving task drain from it.
    attributes: { ...options.attributes, ...(options.dns && { [DNS_VIEW_ATTRIBUTE]: 'true' }) },
    hostAddress: chooseHostAddress({
      ec2PrivateIp: ec2?.privateIpv4,
      configured: options.hostAddress,
      defaultRoute: defaultRouteAddress(),
    }),
  });
  return { metadata, ec2, registration };
}
