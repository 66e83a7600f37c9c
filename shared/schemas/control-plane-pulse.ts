import * as z from 'zod';
import { epochMs } from './common.ts';

/**
 * The control plane's own record of when it was able to judge leases: the
 * monitor writes it on every sweep. A sweep that finds the previous one
 * too long ago (the control plane, its table or its schedule was down), or
 * that finds every agent silent at once, starts a new `upSince`; leases are
 * judged only on time since then (docs/decisions.md).
 */
export const controlPlanePulse = z.object({
  /** Since when the control plane has been up and agents getting through, without a gap. */
  upSince: epochMs,
  /** When the last sweep ran. */
  lastSweepAt: epochMs,
  /** Why `upSince` last started again, for an operator reading the table. */
  reason: z.string().max(256).optional(),
});
export type ControlPlanePulse = z.infer<typeof controlPlanePulse>;
