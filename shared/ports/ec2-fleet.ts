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
  }): Promise<string[]>;
  terminateInstances(instanceIds: readonly string[]): Promise<void>;
  /** Whether a launch template of this id exists (CreateCapacityProvider checks before writing). */
  launchTemplateExists(launchTemplateId: string): Promise<boolean>;
}
