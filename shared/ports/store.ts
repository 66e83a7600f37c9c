import type { z } from 'zod';

/**
 * The persistence port. Berth keeps every entity in one key-value table where
 * each item carries a version; every mutation is a conditional write on one
 * item (the Kubernetes resourceVersion model). There are no multi-item
 * transactions: callers stay correct by writing in an order that a
 * level-triggered reconcile can always finish.
 */

/** A kind of entity and where its items live in the table. */
export interface Collection<T> {
  /** Short, stable name; part of every key, so never rename one. */
  readonly name: string;
  /** Validates items read back from the table: data from outside is never cast. */
  readonly schema: z.ZodType<T>;
  /** Items of one partition can be listed together, in sort-key order. */
  partitionOf(value: T): string;
  sortOf(value: T): string;
}

export interface Key {
  readonly partition: string;
  readonly sort: string;
}

export interface Versioned<T> {
  readonly value: T;
  /** 1 on create, +1 on every replace. */
  readonly version: number;
}

export interface WriteOptions {
  /** Epoch seconds after which the table may delete the item (DynamoDB TTL). */
  readonly expiresAt?: number;
}

export interface QueryOptions {
  /** Only sort keys that start with this. */
  readonly prefix?: string;
  /** Continue after this sort key (exclusive), as returned in `lastSort`. */
  readonly after?: string;
  readonly limit?: number;
  readonly descending?: boolean;
}

export interface QueryPage<T> {
  readonly items: Versioned<T>[];
  /** Present when more items may follow; pass it back as `after`. */
  readonly lastSort?: string;
}

/**
 * The outcome of a conditional write. Losing a race is an expected outcome
 * (another writer got there first), so it is a value the caller branches on;
 * `current` is the item that won, as stored now, or undefined when there is
 * none (a replace of an item that is gone).
 */
export type WriteOutcome<T> =
  | { readonly written: true; readonly item: Versioned<T> }
  | { readonly written: false; readonly reason: 'lost'; readonly current: Versioned<T> | undefined };

/** What a conditional delete did: deleted, or lost to another writer (or the item was already gone). */
export type DeleteOutcome = { readonly deleted: true } | { readonly deleted: false; readonly reason: 'lost' };

/** Counts of the table requests an adapter made, for cost and benchmarks. */
export interface StoreStats {
  reads: number;
  writes: number;
}

export interface Store {
  /** Strongly consistent read of one item. */
  get<T>(collection: Collection<T>, key: Key): Promise<Versioned<T> | undefined>;
  /** Many items of one collection; missing ones are left out, order is not kept. */
  getMany<T>(collection: Collection<T>, keys: readonly Key[]): Promise<Versioned<T>[]>;
  /** Writes a new item at version 1. Throws VersionConflictError if it exists. */
  create<T>(collection: Collection<T>, value: T, options?: WriteOptions): Promise<Versioned<T>>;
  /**
   * Replaces an item only if its stored version is `expectedVersion`.
   * Throws VersionConflictError otherwise (including when it does not exist).
   */
  replace<T>(
    collection: Collection<T>,
    value: T,
    expectedVersion: number,
    options?: WriteOptions,
  ): Promise<Versioned<T>>;
  /** As `create`, with an existing item answered as a lost race instead of thrown. */
  tryCreate<T>(collection: Collection<T>, value: T, options?: WriteOptions): Promise<WriteOutcome<T>>;
  /** As `replace`, with a version mismatch or a missing item answered as a lost race instead of thrown. */
  tryReplace<T>(
    collection: Collection<T>,
    value: T,
    expectedVersion: number,
    options?: WriteOptions,
  ): Promise<WriteOutcome<T>>;
  /** Deletes an item only at `expectedVersion`; VersionConflictError otherwise. */
  delete<T>(collection: Collection<T>, key: Key, expectedVersion: number): Promise<void>;
  /** As `delete`, with a version mismatch or a missing item answered as a lost race instead of thrown. */
  tryDelete<T>(collection: Collection<T>, key: Key, expectedVersion: number): Promise<DeleteOutcome>;
  /** One page of a partition, in sort-key order; strongly consistent. */
  query<T>(collection: Collection<T>, partition: string, options?: QueryOptions): Promise<QueryPage<T>>;
  readonly stats: StoreStats;
}

export function keyOf<T>(collection: Collection<T>, value: T): Key {
  return { partition: collection.partitionOf(value), sort: collection.sortOf(value) };
}
