#!/usr/bin/env node
// Runs the CLI's TypeScript sources through tsx's loader; no build step.
import { register } from 'tsx/esm/api';

register();
await import('../cli/main.ts');
