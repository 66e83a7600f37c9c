import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { systemClock, type Clock } from '#shared/ports/clock.ts';
import type { OutgoingMessage, Queue, ReceiveOptions } from '#shared/ports/queue.ts';
import type { DeliveredMessage } from './sqs-queue.ts';

/**
 * The queue port in memory, for dev mode: an SQS FIFO queue with its
 * dead-letter queue, honouring the same contract (test/contract) as SQS.
 *
 * Time: visibility, deduplication and timestamps follow the injected clock;
 * long polls wait in real time, since they have to wake up. Unlike SQS, the
 * visibility timeout may be a fraction of a second, which keeps tests quick.
 *
 * Receipt handles: each delivery gets its own. As in SQS FIFO, a handle
 * works only while its delivery is in flight: deleting with a handle whose
 * visibility timeout has passed (whether or not the message was delivered
 * again since) rejects with ReceiptHandleError('expired') and leaves the
 * message alone, so a slow consumer can never delete a delivery another
 * consumer now holds. Deleting a message that is already gone succeeds.
 */
export interface InProcessQueueOptions {
  readonly clock?: Clock;
  readonly visibilityTimeoutSeconds: number;
  readonly maxReceiveCount: number;
  readonly deduplicationWindowSeconds?: number;
}

export interface QueueDepth {
  /** Waiting to be delivered, including messages behind an in-flight one of their group. */
  readonly visible: number;
  readonly inFlight: number;
  /** In the dead-letter queue. */
  readonly dead: number;
}

export type InProcessQueue = Queue & {
  receive(options: ReceiveOptions): Promise<DeliveredMessage[]>;
  deadLetters(): { receive(options: ReceiveOptions): Promise<DeliveredMessage[]> };
  depth(): QueueDepth;
  /** Resolves once nothing is visible or in flight; rejects after timeoutMs. */
  whenIdle(timeoutMs?: number): Promise<void>;
  /** Ends pending long polls (they return no messages); later calls reject. */
  close(): void;
};

export class ReceiptHandleError extends Error {
  override readonly name = 'ReceiptHandleError';
  readonly reason: 'invalid' | 'expired';
  constructor(reason: 'invalid' | 'expired', receiptHandle: string) {
    super(`Receipt handle ${reason}: ${receiptHandle}`);
    this.reason = reason;
  }
}

export class QueueClosedError extends Error {
  override readonly name = 'QueueClosedError';
  constructor() {
    super('The in-process queue is closed');
  }
}

interface Entry {
  readonly sequence: number;
  readonly messageId: string;
  readonly groupId: string;
  readonly deduplicationId: string;
  readonly body: string;
  readonly sentTimestamp: number;
  firstReceiveTimestamp?: number;
  receiveCount: number;
  /** Clock time until which the current delivery is in flight; 0 before the first. */
  invisibleUntil: number;
}

/** Same limits as SQS, so that code tried in dev mode runs against SQS. */
const idPattern = /^[!-~]{1,128}$/;
const maxBodyBytes = 262_144;

function validateOutgoing(message: OutgoingMessage): void {
  if (!idPattern.test(message.groupId)) throw new RangeError(`Invalid MessageGroupId: ${message.groupId}`);
  if (!idPattern.test(message.deduplicationId)) {
    throw new RangeError(`Invalid MessageDeduplicationId: ${message.deduplicationId}`);
  }
  const bytes = Buffer.byteLength(message.body);
  if (bytes === 0 || bytes > maxBodyBytes) throw new RangeError(`Message body of ${bytes} bytes`);
}

function validateReceive(options: ReceiveOptions): void {
  const { maxMessages, waitSeconds = 0 } = options;
  if (!Number.isInteger(maxMessages) || maxMessages < 1 || maxMessages > 10) {
    throw new RangeError(`maxMessages must be an integer from 1 to 10, not ${maxMessages}`);
  }
  if (!Number.isInteger(waitSeconds) || waitSeconds < 0 || waitSeconds > 20) {
    throw new RangeError(`waitSeconds must be an integer from 0 to 20, not ${waitSeconds}`);
  }
}

/** One FIFO queue's messages: ordered per group, a group held while any of its messages is in flight. */
class GroupedMessages {
  /** Map order is the order groups are served in; a served group moves to the back. */
  private readonly groups = new Map<string, Entry[]>();
  readonly bySequence = new Map<number, Entry>();

  add(entry: Entry): void {
    const group = this.groups.get(entry.groupId);
    if (group) group.push(entry);
    else this.groups.set(entry.groupId, [entry]);
    this.bySequence.set(entry.sequence, entry);
  }

  remove(entry: Entry): void {
    const group = this.groups.get(entry.groupId) ?? [];
    group.splice(group.indexOf(entry), 1);
    if (group.length === 0) this.groups.delete(entry.groupId);
    this.bySequence.delete(entry.sequence);
  }

  /**
   * Delivers up to `max` messages, each group's from its head. `retire`
   * says whether a message has been received often enough to be
   * dead-lettered instead, as SQS decides at the next receive attempt.
   */
  take(max: number, now: number, visibleAgainAt: number, retire: (entry: Entry) => boolean): Entry[] {
    const taken: Entry[] = [];
    const served: string[] = [];
    for (const [groupId, group] of this.groups) {
      if (taken.length >= max) break;
      if (isHeld(group, now)) continue;
      for (let head = group[0]; head && retire(head); head = group[0]) this.remove(head);
      const batch = group.slice(0, max - taken.length);
      for (const entry of batch) {
        entry.receiveCount += 1;
        entry.firstReceiveTimestamp ??= now;
        entry.invisibleUntil = visibleAgainAt;
      }
      taken.push(...batch);
      if (batch.length > 0) served.push(groupId);
    }
    for (const groupId of served) {
      const group = this.groups.get(groupId);
      this.groups.delete(groupId);
      if (group) this.groups.set(groupId, group);
    }
    return taken;
  }

  /** The earliest clock time at which an in-flight message becomes visible again. */
  nextVisibleAt(now: number): number {
    let next = Infinity;
    for (const group of this.groups.values()) {
      for (const entry of deliveredPrefix(group))
        if (entry.invisibleUntil > now) next = Math.min(next, entry.invisibleUntil);
    }
    return next;
  }

  depth(now: number): { visible: number; inFlight: number } {
    let inFlight = 0;
    for (const group of this.groups.values()) {
      for (const entry of deliveredPrefix(group)) if (entry.invisibleUntil > now) inFlight += 1;
    }
    return { visible: this.bySequence.size - inFlight, inFlight };
  }
}

/** Messages are delivered from a group's head, so those ever delivered lead the group. */
function* deliveredPrefix(group: readonly Entry[]): Generator<Entry> {
  for (const entry of group) {
    if (entry.receiveCount === 0) return;
    yield entry;
  }
}

function isHeld(group: readonly Entry[], now: number): boolean {
  for (const entry of deliveredPrefix(group)) if (entry.invisibleUntil > now) return true;
  return false;
}

export function createInProcessQueue(options: InProcessQueueOptions): InProcessQueue {
  const clock = options.clock ?? systemClock;
  const visibilityMs = options.visibilityTimeoutSeconds * 1000;
  const deduplicationMs = (options.deduplicationWindowSeconds ?? 300) * 1000;
  if (!(visibilityMs >= 0)) throw new RangeError('visibilityTimeoutSeconds must be zero or more');
  if (!Number.isInteger(options.maxReceiveCount) || options.maxReceiveCount < 1) {
    throw new RangeError('maxReceiveCount must be a positive integer');
  }
  const queueId = randomUUID();
  const work = new GroupedMessages();
  const dead = new GroupedMessages();
  /** Deduplication ids by expiry; insertion order is send order, so expired ones lead. */
  const seenDeduplicationIds = new Map<string, number>();
  const wakers = new Set<() => void>();
  let nextSequence = 1;
  let closed = false;

  function notify(): void {
    for (const wake of [...wakers]) wake();
  }

  /** Resolves on the next change of the queue, or after `ms`. */
  function changeOrTimeout(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const wake = (): void => {
        clearTimeout(timer);
        wakers.delete(wake);
        resolve();
      };
      const timer = setTimeout(wake, Math.max(1, ms));
      wakers.add(wake);
    });
  }

  function assertOpen(): void {
    if (closed) throw new QueueClosedError();
  }

  function deliver(entry: Entry, kind: 'w' | 'd'): DeliveredMessage {
    return {
      messageId: entry.messageId,
      receiptHandle: `${queueId}:${kind}:${entry.sequence}:${entry.receiveCount}`,
      groupId: entry.groupId,
      body: entry.body,
      receiveCount: entry.receiveCount,
      deduplicationId: entry.deduplicationId,
      sequenceNumber: String(entry.sequence).padStart(20, '0'),
      senderId: 'berth-in-process',
      sentTimestamp: entry.sentTimestamp,
      firstReceiveTimestamp: entry.firstReceiveTimestamp,
    };
  }

  function retireToDeadLetters(entry: Entry): boolean {
    if (entry.receiveCount < options.maxReceiveCount) return false;
    // The dead-letter queue has no redrive of its own; the entry keeps its id,
    // its count and (being the same object) its place in its group's order.
    entry.invisibleUntil = 0;
    dead.add(entry);
    return true;
  }

  async function receiveFrom(
    messages: GroupedMessages,
    kind: 'w' | 'd',
    receiveOptions: ReceiveOptions,
  ): Promise<DeliveredMessage[]> {
    assertOpen();
    validateReceive(receiveOptions);
    const deadline = performance.now() + (receiveOptions.waitSeconds ?? 0) * 1000;
    const retire = kind === 'w' ? retireToDeadLetters : () => false;
    for (;;) {
      const now = clock.now();
      const deadBefore = dead.bySequence.size;
      const taken = messages.take(receiveOptions.maxMessages, now, now + visibilityMs, retire);
      if (dead.bySequence.size !== deadBefore) notify(); // may have left the queue idle
      if (taken.length > 0) return taken.map((entry) => deliver(entry, kind));
      const remaining = deadline - performance.now();
      if (closed || remaining <= 0) return [];
      await changeOrTimeout(Math.min(remaining, messages.nextVisibleAt(now) - now));
    }
  }

  function depth(): QueueDepth {
    return { ...work.depth(clock.now()), dead: dead.bySequence.size };
  }

  return {
    async send(message) {
      assertOpen();
      validateOutgoing(message);
      const now = clock.now();
      for (const [id, expiresAt] of seenDeduplicationIds) {
        if (expiresAt > now) break;
        seenDeduplicationIds.delete(id);
      }
      // A duplicate is accepted and dropped; the window runs from the first send.
      if (seenDeduplicationIds.has(message.deduplicationId)) return;
      seenDeduplicationIds.set(message.deduplicationId, now + deduplicationMs);
      work.add({
        sequence: nextSequence++,
        messageId: randomUUID(),
        groupId: message.groupId,
        deduplicationId: message.deduplicationId,
        body: message.body,
        sentTimestamp: now,
        receiveCount: 0,
        invisibleUntil: 0,
      });
      notify();
    },

    receive: (receiveOptions) => receiveFrom(work, 'w', receiveOptions),

    async delete(receiptHandle) {
      assertOpen();
      const [id, kind, sequence, receiveCount] = receiptHandle.split(':');
      if (id !== queueId || kind !== 'w' || !sequence || !receiveCount) {
        throw new ReceiptHandleError('invalid', receiptHandle);
      }
      const entry = work.bySequence.get(Number(sequence));
      if (!entry) return; // deleted before, or dead-lettered
      if (entry.receiveCount !== Number(receiveCount) || entry.invisibleUntil <= clock.now()) {
        throw new ReceiptHandleError('expired', receiptHandle);
      }
      work.remove(entry);
      notify(); // frees the group, and may leave the queue idle
    },

    deadLetters: () => ({ receive: (receiveOptions) => receiveFrom(dead, 'd', receiveOptions) }),

    depth,

    async whenIdle(timeoutMs = 10_000) {
      const deadline = performance.now() + timeoutMs;
      for (;;) {
        const current = depth();
        if (current.visible === 0 && current.inFlight === 0) return;
        assertOpen();
        const remaining = deadline - performance.now();
        if (remaining <= 0) {
          throw new Error(`Queue not idle after ${timeoutMs} ms: ${JSON.stringify(current)}`);
        }
        // Only a delete or a move to the dead-letter queue can make it idle, and both notify.
        await changeOrTimeout(remaining);
      }
    },

    close() {
      closed = true;
      notify();
    },
  };
}
