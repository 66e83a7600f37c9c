import * as z from 'zod';
import members from '#shared/schemas/ecs-model/members.json' with { type: 'json' };

/** The checked-in list of the ECS model's request members (bin/ecs-model.ts writes it). */
const modelMember = z.strictObject({
  path: z.string().min(1),
  type: z.enum(['string', 'number', 'boolean', 'timestamp', 'document', 'structure', 'union', 'list', 'map']),
  required: z.literal(true).optional(),
});
export type ModelMember = z.infer<typeof modelMember>;

const ecsModel = z.strictObject({
  source: z.string(),
  operations: z.record(z.string(), z.strictObject({ input: z.string(), members: z.array(modelMember) })),
});
export type EcsModel = z.infer<typeof ecsModel>;

export const model: EcsModel = ecsModel.parse(members);

/** Each operation's member types by path, for walking a request body. */
export const memberTypes: ReadonlyMap<string, ReadonlyMap<string, ModelMember['type']>> = new Map(
  Object.entries(model.operations).map(([name, op]) => [name, new Map(op.members.map((m) => [m.path, m.type]))]),
);
