/**
 * The queue port: a FIFO queue with message groups, as SQS FIFO offers it.
 *
 * Contract (every adapter passes the same suite in test/contract):
 * - Messages of one group are delivered in order, and no message of a group is
 *   handed out while an earlier one of that group is in flight.
 * - A message with a deduplicationId seen in the last five minutes is dropped.
 * - A received message becomes visible again after the visibility timeout
 *   unless it is deleted; each delivery raises its receiveCount.
 * - A message received more than maxReceiveCount times moves to the
 *   dead-letter queue instead of being delivered again.
 */
export interface OutgoingMessage {
  readonly groupId: string;
  readonly deduplicationId: string;
  readonly body: string;
}

export interface ReceivedMessage {
  readonly messageId: string;
  readonly receiptHandle: string;
  readonly groupId: string;
  readonly body: string;
  readonly receiveCount: number;
}

export interface ReceiveOptions {
  readonly maxMessages: number;
  /** Long-poll for up to this many seconds when nothing is ready. */
  readonly waitSeconds?: number;
}

export interface Queue {
  send(message: OutgoingMessage): Promise<void>;
  receive(options: ReceiveOptions): Promise<ReceivedMessage[]>;
  /** Acknowledges a message so it is never delivered again. */
  delete(receiptHandle: string): Promise<void>;
}

/** Read access to the dead-letter queue, for operators and tests. */
export interface DeadLetters {
  receive(options: ReceiveOptions): Promise<ReceivedMessage[]>;
}
