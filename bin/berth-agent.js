#!/usr/bin/env node
// Runs the agent's TypeScript sources through tsx's loader; no build step.
import { register } from 'tsx/esm/api';

register();
await import('../agent/main.ts');
