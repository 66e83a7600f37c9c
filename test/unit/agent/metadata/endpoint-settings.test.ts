import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { EndpointSettings } from '#agent/metadata/endpoint-settings.ts';

const live = (): boolean => true;

describe('EndpointSettings', () => {
  it('gives each container its own random 128-bit id, the same one when asked again', () => {
    const settings = new EndpointSettings(mkdtempSync(join(tmpdir(), 'berth-md-')));
    const app = settings.tokenFor('t1', 'app', live);
    expect(app).toMatch(/^[0-9a-f]{32}$/);
    expect(settings.tokenFor('t1', 'app', live)).toBe(app);
    expect(settings.tokenFor('t1', 'side', live)).not.toBe(app);
    expect(settings.tokenFor('t2', 'app', live)).not.toBe(app);
    expect(settings.ownerOf(app)).toBe('t1/app');
    expect(settings.ownerOf('0'.repeat(32))).toBeUndefined();
  });

  it('keeps ids and port across a restart, in a file only the agent can read', () => {
    const dir = mkdtempSync(join(tmpdir(), 'berth-md-'));
    const first = new EndpointSettings(dir);
    const token = first.tokenFor('t1', 'app', live);
    first.port = 40_123;
    first.save();
    const again = new EndpointSettings(dir);
    expect(again.port).toBe(40_123);
    expect(again.ownerOf(token)).toBe('t1/app');
    expect(statSync(join(dir, 'task-metadata.json')).mode & 0o777).toBe(0o600);
  });

  it('drops the ids of tasks the agent no longer knows when it writes a new one', () => {
    const dir = mkdtempSync(join(tmpdir(), 'berth-md-'));
    const settings = new EndpointSettings(dir);
    const old = settings.tokenFor('gone', 'app', live);
    settings.tokenFor('t2', 'app', (taskId) => taskId !== 'gone');
    expect(settings.ownerOf(old)).toBeUndefined();
    expect(readFileSync(join(dir, 'task-metadata.json'), 'utf8')).not.toContain(old);
  });

  it('starts afresh from an unreadable file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'berth-md-'));
    writeFileSync(join(dir, 'task-metadata.json'), '{"port": "not a port"');
    const settings = new EndpointSettings(dir);
    expect(settings.port).toBeUndefined();
    expect(settings.tokenFor('t1', 'app', live)).toMatch(/^[0-9a-f]{32}$/);
  });
});
