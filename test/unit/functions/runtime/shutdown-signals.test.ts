import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import { exitOnSignals } from '#functions/runtime/shutdown-signals.ts';

/** Ctrl-C on dev mode: tidy up and exit 0; a second Ctrl-C, or a stop that hangs past its deadline, exits at once. */
describe('exitOnSignals', () => {
  function harness(stop: () => Promise<void>, deadlineMs = 60_000) {
    const signals = new EventEmitter();
    const exits: number[] = [];
    const said: string[] = [];
    let exited: (code: number) => void = () => {};
    const firstExit = new Promise<number>((resolve) => (exited = resolve));
    exitOnSignals({
      stop,
      deadlineMs,
      signals,
      say: (line) => said.push(line),
      exit: (code) => {
        exits.push(code);
        exited(code);
      },
    });
    return { signals, exits, said, firstExit };
  }

  it('stops, then exits 0', async () => {
    let stopped = false;
    const h = harness(async () => {
      stopped = true;
    });
    h.signals.emit('SIGINT');
    expect(await h.firstExit).toBe(0);
    expect(stopped).toBe(true);
  });

  it('exits 130 at once on a second signal while stopping', async () => {
    const h = harness(() => new Promise<void>(() => {}));
    h.signals.emit('SIGINT');
    expect(h.exits).toEqual([]);
    h.signals.emit('SIGINT');
    expect(await h.firstExit).toBe(130);
    expect(h.said.join('\n')).toContain('Ctrl-C again');
  });

  it('exits 1 when the stop fails', async () => {
    const h = harness(async () => {
      throw new Error('table gone');
    });
    h.signals.emit('SIGTERM');
    expect(await h.firstExit).toBe(1);
    expect(h.said.join('\n')).toContain('table gone');
  });

  it('exits 1 when the stop outlives its deadline', async () => {
    const h = harness(() => new Promise<void>(() => {}), 10);
    h.signals.emit('SIGINT');
    expect(await h.firstExit).toBe(1);
    expect(h.said.join('\n')).toContain('exiting anyway');
  });
});
