/**
 * ECS stop codes: why a task stopped. Defined once, here, for the agent and
 * the control plane alike, so the two can never disagree on the list. This
 * file imports no zod, so the agent's bundle can read it without loading zod;
 * the schemas are in stop-code-schemas.ts.
 */
export const STOP_CODES = [
  'TaskFailedToStart',
  'EssentialContainerExited',
  'UserInitiated',
  'ServiceSchedulerInitiated',
  'SpotInterruption',
  'TerminationNotice',
] as const;
export type StopCode = (typeof STOP_CODES)[number];

/** The codes an agent may report: the others are decided by the control plane or AWS. */
export const AGENT_STOP_CODES = ['TaskFailedToStart', 'EssentialContainerExited', 'UserInitiated'] as const;
export type AgentStopCode = (typeof AGENT_STOP_CODES)[number];

/** The codes a stop request (StopTask, a service's scale-in, a failed placement) may carry. */
export type RequestedStopCode = Extract<StopCode, 'UserInitiated' | 'ServiceSchedulerInitiated' | 'TaskFailedToStart'>;

/**
 * ECS's reason for a task whose essential container exited: the agent gives
 * it, and the control plane assumes it when a report of STOPPED names none.
 */
export const ESSENTIAL_EXIT_REASON = 'Essential container in task exited';
