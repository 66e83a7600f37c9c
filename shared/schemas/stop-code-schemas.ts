import * as z from 'zod';
import { AGENT_STOP_CODES, STOP_CODES } from './stop-codes.ts';

/** Any ECS stop code, as the control plane stores it. */
export const stopCode = z.enum(STOP_CODES);

/** A stop code an agent may report. */
export const agentStopCode = z.enum(AGENT_STOP_CODES);
