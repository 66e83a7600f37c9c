import { z } from 'zod';

/**
 * ECS stop codes: why a task stopped. Defined once, here, for the agent and
 * the control plane alike, so the two can never disagree on the list.
 */
export const STOP_CODES = [
  'TaskFailedToStart',
  'EssentialContainerExited',
  'UserInitiated',
  'ServiceSchedulerInitiated',
  'SpotInterruption',
  'TerminationNotice',
] as const;
export const stopCode = z.enum(STOP_CODES);
export type StopCode = z.infer<typeof stopCode>;

/** The codes an agent may report: the others are decided by the control plane or AWS. */
export const AGENT_STOP_CODES = ['TaskFailedToStart', 'EssentialContainerExited', 'UserInitiated'] as const;
export const agentStopCode = z.enum(AGENT_STOP_CODES);
export type AgentStopCode = z.infer<typeof agentStopCode>;

/** The codes a stop request (StopTask, a service's scale-in, a failed placement) may carry. */
export type RequestedStopCode = Extract<StopCode, 'UserInitiated' | 'ServiceSchedulerInitiated' | 'TaskFailedToStart'>;

/**
 * ECS's reason for a task whose essential container exited: the agent gives
 * it, and the control plane assumes it when a report of STOPPED names none.
 */
export const ESSENTIAL_EXIT_REASON = 'Essential container in task exited';
