/**
 * The agent's own small validators for what it reads from outside (control
 * plane answers, engine answers, its state files, its settings). The zod
 * schemas in shared/ stay the source of truth; these restate the parts the
 * agent reads so that zod (about 4 MiB resident at idle) stays out of the
 * agent, and test/unit/agent/check/*.test.ts holds both to the same answers.
 *
 * A check returns a value, never throws: the first problem found, with its
 * path, or the value as zod would produce it (defaults filled, transforms
 * applied, unknown keys kept out or refused as the schema says).
 */
export type PathItem = string | number;

export interface Issue {
  readonly path: readonly PathItem[];
  readonly message: string;
}

export type Outcome<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly issue: Issue };

export type Check<T> = (input: unknown) => Outcome<T>;

/** What a check produces. */
export type Checked<C> = C extends Check<infer T> ? T : never;

export function pass<T>(value: T): Outcome<T> {
  return { ok: true, value };
}

export function fail(message: string, path: readonly PathItem[] = []): { ok: false; issue: Issue } {
  return { ok: false, issue: { path, message } };
}

/** Puts `item` in front of a failure's path, so it names where in the input it happened. */
export function within<T>(item: PathItem, outcome: Outcome<T>): Outcome<T> {
  return outcome.ok ? outcome : fail(outcome.issue.message, [item, ...outcome.issue.path]);
}

/** `path: message`, or the message alone at the top. */
export function describeIssue(issue: Issue): string {
  return issue.path.length === 0 ? issue.message : `${issue.path.join('.')}: ${issue.message}`;
}

export function isObject(input: unknown): input is Readonly<Record<string, unknown>> {
  return typeof input === 'object' && input !== null && !Array.isArray(input);
}

interface StringRules {
  readonly min?: number;
  readonly max?: number;
  readonly pattern?: RegExp;
  readonly startsWith?: string;
}

export function string(rules: StringRules = {}): Check<string> {
  return (input) => {
    if (typeof input !== 'string') return fail('expected a string');
    if (rules.min !== undefined && input.length < rules.min) return fail(`expected at least ${rules.min} characters`);
    if (rules.max !== undefined && input.length > rules.max) return fail(`expected at most ${rules.max} characters`);
    if (rules.pattern !== undefined && !rules.pattern.test(input)) return fail(`expected to match ${rules.pattern}`);
    if (rules.startsWith !== undefined && !input.startsWith(rules.startsWith))
      return fail(`expected to start with ${rules.startsWith}`);
    return pass(input);
  };
}

/** An absolute URL as zod's z.url() takes it: trimmed, tabs and newlines removed. */
export function url(): Check<string> {
  return (input) => {
    if (typeof input !== 'string') return fail('expected a string');
    const trimmed = input.trim();
    return URL.canParse(trimmed) ? pass(trimmed.replace(/[\t\n\r]/g, '')) : fail('expected a URL');
  };
}

interface NumberRules {
  readonly int?: boolean;
  readonly min?: number;
  readonly max?: number;
  /** Exclusive lower bound (zod's positive() is above 0). */
  readonly above?: number;
}

/** A finite number; `int` means a safe integer, as zod's int() does. */
export function number(rules: NumberRules = {}): Check<number> {
  return (input) => {
    if (typeof input !== 'number' || !Number.isFinite(input)) return fail('expected a number');
    if (rules.int && !Number.isSafeInteger(input)) return fail('expected an integer');
    if (rules.min !== undefined && input < rules.min) return fail(`expected at least ${rules.min}`);
    if (rules.max !== undefined && input > rules.max) return fail(`expected at most ${rules.max}`);
    if (rules.above !== undefined && input <= rules.above) return fail(`expected more than ${rules.above}`);
    return pass(input);
  };
}

export function int(rules: Omit<NumberRules, 'int'> = {}): Check<number> {
  return number({ ...rules, int: true });
}

export function boolean(): Check<boolean> {
  return (input) => (typeof input === 'boolean' ? pass(input) : fail('expected a boolean'));
}

export function literal<const T extends string | number | boolean>(value: T): Check<T> {
  return (input) => (input === value ? pass(value) : fail(`expected ${JSON.stringify(value)}`));
}

export function oneOf<const T extends string>(values: readonly T[]): Check<T> {
  const allowed = new Set<unknown>(values);
  const isOne = (input: unknown): input is T => allowed.has(input);
  return (input) => (isOne(input) ? pass(input) : fail(`expected one of ${values.join(', ')}`));
}

/** Anything, as it is (zod's z.unknown()). */
export function unknown(): Check<unknown> {
  return pass;
}

export type Parsed<T> =
  | { readonly success: true; readonly data: T }
  | { readonly success: false; readonly error: { readonly message: string; readonly issue: Issue } };

/** A check's outcome in the shape the agent's call sites read (`success`, `data`, `error.message`). */
export function safeParse<T>(check: Check<T>, input: unknown): Parsed<T> {
  const outcome = check(input);
  return outcome.ok
    ? { success: true, data: outcome.value }
    : { success: false, error: { message: describeIssue(outcome.issue), issue: outcome.issue } };
}

/** The checked value, or an error naming the problem: for input the agent itself wrote, where a failure is a bug. */
export function parse<T>(check: Check<T>, input: unknown): T {
  const outcome = check(input);
  if (!outcome.ok) throw new Error(`Unexpected value: ${describeIssue(outcome.issue)}`);
  return outcome.value;
}
