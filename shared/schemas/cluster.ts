import * as z from 'zod';
import { epochMs, name255, tags } from './common.ts';

export const clusterSetting = z.strictObject({
  name: z.literal('containerInsights'),
  value: z.enum(['enabled', 'disabled', 'enhanced']),
});

export const cluster = z.object({
  clusterName: name255,
  status: z.enum(['ACTIVE', 'INACTIVE']),
  tags: tags,
  settings: z.array(clusterSetting),
  createdAt: epochMs,
});
export type Cluster = z.infer<typeof cluster>;
