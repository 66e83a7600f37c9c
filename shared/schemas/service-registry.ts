import * as z from 'zod';

/**
 * A service's Cloud Map registry as Berth keeps it: the Cloud Map service
 * its tasks are registered in, and which port an instance carries (`port`
 * for an awsvpc task, or a container's port mapping).
 */
export const serviceRegistry = z.object({
  registryArn: z.string().min(1),
  port: z.number().int().min(0).max(65535).optional(),
  containerName: z.string().min(1).optional(),
  containerPort: z.number().int().min(0).max(65535).optional(),
});
export type ServiceRegistry = z.infer<typeof serviceRegistry>;

/** What the scheduler read of one Cloud Map service, or why it cannot be used. */
export type RegistryLookup =
  | {
      readonly found: true;
      /** The service has HealthCheckCustomConfig: Berth reports its instances' health itself. */
      readonly customHealth: boolean;
    }
  | { readonly found: false; readonly reason: string };

/** One instance a Cloud Map service holds: its id and its attributes. */
export interface RegisteredInstance {
  readonly id: string;
  readonly attributes: Readonly<Record<string, string>>;
}
