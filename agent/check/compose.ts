import { fail, isObject, pass, within, type Check, type Checked, type Outcome } from './check.ts';

/** Checks from which an object is built, by key. */
export type Shape = Readonly<Record<string, Check<unknown>>>;
type OptionalKeys<S extends Shape> = { [K in keyof S]: undefined extends Checked<S[K]> ? K : never }[keyof S];
/** The checked object's type; a key whose check takes `undefined` is optional, as in zod's inferred types. */
export type ShapeOutput<S extends Shape> = Flat<
  { -readonly [K in Exclude<keyof S, OptionalKeys<S>>]: Checked<S[K]> } & {
    -readonly [K in OptionalKeys<S>]?: Checked<S[K]>;
  }
>;
type Flat<T> = { [K in keyof T]: T[K] };

/**
 * An object of known keys. `strip` drops any other key (zod's z.object, for
 * answers from a newer control plane or engine); `reject` refuses it
 * (z.strictObject). A key missing from the input stays missing when its
 * check takes `undefined` as it is; a default or transform fills it.
 */
export function object<S extends Shape>(shape: S, unknownKeys: 'strip' | 'reject' = 'strip'): Check<ShapeOutput<S>> {
  const keys = Object.keys(shape);
  const known = new Set(keys);
  return (input) => {
    if (!isObject(input)) return fail('expected an object');
    if (unknownKeys === 'reject') {
      for (const key in input) if (!known.has(key)) return fail(`unknown key '${key}'`);
    }
    const output: Record<string, unknown> = {};
    for (const key of keys) {
      const check = shape[key];
      if (check === undefined) continue;
      const result = check(input[key]);
      if (!result.ok) return within(key, result);
      if (result.value !== undefined || key in input) output[key] = result.value;
    }
    return pass(output as ShapeOutput<S>); // every key of the shape was checked just above
  };
}

/** `object(shape, 'reject')`: what an API request or a settings file must be exactly. */
export function strictObject<S extends Shape>(shape: S): Check<ShapeOutput<S>> {
  return object(shape, 'reject');
}

/** The same object check with more keys (zod's extend). */
export function extend<S extends Shape, E extends Shape>(shape: S, more: E): S & E {
  return { ...shape, ...more };
}

interface ArrayRules {
  readonly min?: number;
  readonly max?: number;
}

export function array<T>(item: Check<T>, rules: ArrayRules = {}): Check<T[]> {
  return (input) => {
    if (!Array.isArray(input)) return fail('expected an array');
    if (rules.min !== undefined && input.length < rules.min) return fail(`expected at least ${rules.min} items`);
    if (rules.max !== undefined && input.length > rules.max) return fail(`expected at most ${rules.max} items`);
    const output: T[] = [];
    for (const [index, element] of input.entries()) {
      const result = item(element);
      if (!result.ok) return within(index, result);
      output.push(result.value);
    }
    return pass(output);
  };
}

/** A plain object of string keys to values of one kind (zod's z.record(z.string(), ...)). */
export function record<T>(value: Check<T>): Check<Record<string, T>> {
  return (input) => {
    if (!isPlainObject(input)) return fail('expected a plain object');
    const output: Record<string, T> = {};
    for (const key of Object.keys(input)) {
      // Assigning __proto__ to a plain object would replace its prototype.
      if (key === '__proto__') continue;
      const result = value(input[key]);
      if (!result.ok) return within(key, result);
      output[key] = result.value;
    }
    return pass(output);
  };
}

/** zod's test: no constructor, or one whose prototype is an ordinary object's (not a Map's, a Date's...). */
function isPlainObject(input: unknown): input is Readonly<Record<string, unknown>> {
  if (!isObject(input)) return false;
  const constructor = input.constructor;
  if (typeof constructor !== 'function') return true;
  const prototype: unknown = constructor.prototype;
  return isObject(prototype) && Object.prototype.hasOwnProperty.call(prototype, 'isPrototypeOf');
}

export function optional<T>(check: Check<T>): Check<T | undefined> {
  return (input) => (input === undefined ? pass(undefined) : check(input));
}

export function nullable<T>(check: Check<T>): Check<T | null> {
  return (input) => (input === null ? pass(null) : check(input));
}

export function nullish<T>(check: Check<T>): Check<T | null | undefined> {
  return (input) => (input === undefined || input === null ? pass(input) : check(input));
}

/** `undefined` becomes a fresh `fallback()`; anything else must pass `check`. */
export function withDefault<T>(check: Check<T>, fallback: () => T): Check<T> {
  return (input) => (input === undefined ? pass(fallback()) : check(input));
}

/** zod's prefault: `undefined` is replaced by `fallback` before the check, so its defaults apply. */
export function prefault<T>(check: Check<T>, fallback: unknown): Check<T> {
  return (input) => check(input === undefined ? fallback : input);
}

/** The first alternative that accepts the input. */
export function union<A, B>(first: Check<A>, second: Check<B>): Check<A | B> {
  return (input) => {
    const a: Outcome<A | B> = first(input);
    return a.ok ? a : second(input);
  };
}

/** A check whose value is then transformed (zod's transform). */
export function map<T, U>(check: Check<T>, transform: (value: T) => U): Check<U> {
  return (input) => {
    const result = check(input);
    return result.ok ? pass(transform(result.value)) : result;
  };
}

/** A further condition on a checked value (zod's refine). */
export function refine<T>(check: Check<T>, holds: (value: T) => boolean, message: string): Check<T> {
  return (input) => {
    const result = check(input);
    return result.ok && !holds(result.value) ? fail(message) : result;
  };
}
