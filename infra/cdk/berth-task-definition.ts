import { Names } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { berthResource } from './berth-resource.ts';
import type { BerthConnection } from './connection.ts';
import { renderContainer, type BerthContainerOptions } from './container.ts';

export interface BerthTaskDefinitionProps {
  readonly connection: BerthConnection;
  /**
   * The family; every change registers a new revision of it.
   * @default - a name unique to this construct's path
   */
  readonly family?: string;
  /** @default 'bridge' */
  readonly networkMode?: 'bridge' | 'host' | 'none' | 'awsvpc';
  /** Task-level cpu units. @default - the sum of the containers' */
  readonly cpu?: number;
  /** Task-level memory in MiB. @default - the sum of the containers' */
  readonly memoryMiB?: number;
  /**
   * Containers, by name; more can be added with `addContainer`.
   * @default - none
   */
  readonly containers?: Readonly<Record<string, BerthContainerOptions>>;
}

/**
 * A Berth task definition, declared like `aws_ecs.Ec2TaskDefinition`. Its
 * `Ref` is the revision's ARN: a service pointing at it moves to each new
 * revision, and the old revision is deregistered once the stack has moved on.
 */
export class BerthTaskDefinition extends Construct {
  readonly connection: BerthConnection;
  readonly family: string;
  readonly taskDefinitionArn: string;
  private readonly containers = new Map<string, BerthContainerOptions>();

  constructor(scope: Construct, id: string, props: BerthTaskDefinitionProps) {
    super(scope, id);
    this.connection = props.connection;
    this.family = props.family ?? Names.uniqueResourceName(this, { maxLength: 255 });
    for (const [name, options] of Object.entries(props.containers ?? {})) this.addContainer(name, options);
    const resource = berthResource(this, 'Custom::BerthTaskDefinition', props.connection, () => ({
      family: this.family,
      networkMode: props.networkMode ?? 'bridge',
      ...(props.cpu !== undefined && { cpu: String(props.cpu) }),
      ...(props.memoryMiB !== undefined && { memory: String(props.memoryMiB) }),
      containerDefinitions: [...this.containers].map(([name, options]) => renderContainer(name, options)),
    }));
    this.node.addValidation({
      validate: () => (this.containers.size === 0 ? ['A BerthTaskDefinition needs at least one container'] : []),
    });
    this.taskDefinitionArn = resource.ref;
  }

  addContainer(name: string, options: BerthContainerOptions): void {
    if (this.containers.has(name)) throw new Error(`Container ${name} is already in ${this.node.path}`);
    this.containers.set(name, options);
  }
}
