import { readFileSync } from 'node:fs';

/**
 * The agent's version is the package's: one number to bump. The sources sit
 * one level below package.json, the bundle (dist/agent/) two.
 */
function readVersion(): string {
  for (const path of ['../package.json', '../../package.json']) {
    try {
      const parsed: unknown = JSON.parse(readFileSync(new URL(path, import.meta.url), 'utf8'));
      if (typeof parsed === 'object' && parsed !== null && 'name' in parsed && parsed.name === 'berth') {
        return 'version' in parsed && typeof parsed.version === 'string' ? parsed.version : '0.0.0';
      }
    } catch {
      // Not here: try the next place.
    }
  }
  return '0.0.0';
}

export const AGENT_VERSION = readVersion();
