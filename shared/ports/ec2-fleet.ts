/**
 * What capacity providers need of EC2: launch instances from a launch
 * template, and terminate them. The monitor drives it; the adapter is
 * functions/adapters/ec2-query-client.ts.
 */
export interface Ec2Fleet {
  /** Launches `count` instances from the template; answers their instance ids. */
  runInstances(input: {
    readonly launchTemplateId: string;
    readonly count: number;
    readonly tags: Readonly<Record<string, string>>;
    /**
     * The cluster the hosts should join by themselves: a fleet that can
     * (functions/monitor/host-bootstrap.ts) gives them user data that
     * installs the agent with a registration token for it.
     */
    readonly joinCluster?: string;
    /** EC2 user data (base64), replacing the launch template's own. */
    readonly userData?: string;
  }): Promise<string[]>;
  terminateInstances(instanceIds: readonly string[]): Promise<void>;
  /** Whether a launch template of this id exists (CreateCapacityProvider checks before writing). */
  launchTemplateExists(launchTemplateId: string): Promise<boolean>;
}
