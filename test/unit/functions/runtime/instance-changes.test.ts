import { describe, expect, it } from 'vitest';
import { inProcessInstanceChanges } from '#functions/runtime/instance-changes.ts';

/** A held poll waits on a watch; a stopping dev mode closes them all so polls answer at once. */
describe('inProcessInstanceChanges.close', () => {
  const settled = (promise: Promise<void>) =>
    Promise.race([promise.then(() => 'fired'), new Promise((resolve) => setImmediate(() => resolve('waiting')))]);

  it('fires every watch, whatever its timeout', async () => {
    const changes = inProcessInstanceChanges();
    const a = changes.watch('default', 'i-1', 3_600_000);
    const b = changes.watch('other', 'i-2', 3_600_000);
    expect(await settled(a.next)).toBe('waiting');
    changes.close();
    expect(await settled(a.next)).toBe('fired');
    expect(await settled(b.next)).toBe('fired');
  });

  it('answers a watch started after it at once', async () => {
    const changes = inProcessInstanceChanges();
    changes.close();
    const late = changes.watch('default', 'i-1', 3_600_000);
    expect(await settled(late.next)).toBe('fired');
    late.cancel();
  });
});
