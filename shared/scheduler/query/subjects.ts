import type { CandidateInstance } from '../fleet.ts';
import type { Argument, Operator } from './parser.ts';
import { expressionError } from './syntax-error.ts';
import { compareSegments, parseTimeSpan, wildcardPattern } from './text-order.ts';

export type Predicate = (instance: CandidateInstance) => boolean;

/** The operators a subject answers directly; each negative form is `not` of one of these. */
export type PositiveOperator = 'eq' | 'gt' | 'ge' | 'lt' | 'le' | 'exists' | 'in' | 'matches';

export interface Subject {
  /** Reads what a reservation changes, so an answer holds only until the next one. */
  readonly dynamic: boolean;
  readonly operators: ReadonlySet<Operator>;
  predicate(operator: PositiveOperator, args: readonly Argument[], expression: string): Predicate;
}

const EQUALITY: Operator[] = ['eq', 'ne', 'in', 'not_in', 'matches', 'not_matches'];
const ORDERING: Operator[] = ['eq', 'ne', 'gt', 'ge', 'lt', 'le'];
const EXISTENCE: Operator[] = ['exists', 'not_exists'];

export const SUBJECT_NAMES =
  'attribute:<name>, agentConnected, agentVersion, ec2InstanceId, registeredAt, runningTasksCount or task:group';

/** The subjects ECS documents, each with the operators ECS lists for it. */
export function resolveSubject(subject: Argument, expression: string): Subject {
  const name = subject.text;
  if (name.startsWith('attribute:')) {
    const attribute = name.slice('attribute:'.length);
    if (attribute === '')
      throw expressionError(expression, subject.column, "missing attribute name after 'attribute:'");
    return textSubject(
      [...EQUALITY, ...ORDERING, ...EXISTENCE],
      (i) => i.attributes.get(attribute),
      (i) => i.attributes.has(attribute),
    );
  }
  switch (name) {
    case 'agentConnected':
      return textSubject(
        EQUALITY,
        (i) => String(i.agentConnected),
        () => true,
        booleanArgument,
      );
    case 'agentVersion':
      return textSubject(
        ORDERING,
        (i) => i.agentVersion,
        (i) => i.agentVersion !== undefined,
      );
    case 'ec2InstanceId':
      return textSubject(
        EQUALITY,
        (i) => i.ec2InstanceId,
        (i) => i.ec2InstanceId !== undefined,
      );
    case 'registeredAt':
      return registeredAtSubject;
    case 'runningTasksCount':
      return runningTasksCountSubject;
    case 'task:group':
      return taskGroupSubject;
    default:
      throw expressionError(expression, subject.column, `unknown subject '${name}' (use ${SUBJECT_NAMES})`);
  }
}

type Normalise = (argument: Argument, expression: string) => string;

function textSubject(
  operators: Operator[],
  read: (instance: CandidateInstance) => string | undefined,
  exists: Predicate,
  normalise: Normalise = (argument) => argument.text,
): Subject {
  return {
    dynamic: false,
    operators: new Set(operators),
    predicate(operator, args, expression) {
      const first = args[0];
      if (operator === 'exists') return exists;
      if (first === undefined) throw new Error(`operator ${operator} arrived without an argument`);
      if (operator === 'matches') {
        const pattern = wildcardPattern(first.text);
        return (i) => testDefined(read(i), (value) => pattern.test(value));
      }
      if (operator === 'in') {
        const values = new Set(args.map((a) => normalise(a, expression)));
        return (i) => testDefined(read(i), (value) => values.has(value));
      }
      const argument = normalise(first, expression);
      if (operator === 'eq') return (i) => read(i) === argument;
      return (i) => testDefined(read(i), (value) => holds(operator, compareSegments(value, argument)));
    },
  };
}

function testDefined(value: string | undefined, test: (value: string) => boolean): boolean {
  return value !== undefined && test(value);
}

function booleanArgument(argument: Argument, expression: string): string {
  const text = argument.text.toLowerCase();
  if (text !== 'true' && text !== 'false') {
    throw expressionError(
      expression,
      argument.column,
      `agentConnected compares with true or false, not '${argument.text}'`,
    );
  }
  return text;
}

/** Whether `order` (negative, zero, positive as from a comparator) satisfies the operator. */
function holds(operator: PositiveOperator, order: number): boolean {
  switch (operator) {
    case 'eq':
      return order === 0;
    case 'gt':
      return order > 0;
    case 'ge':
      return order >= 0;
    case 'lt':
      return order < 0;
    case 'le':
      return order <= 0;
    default:
      throw new Error(`operator ${operator} does not order`);
  }
}

const registeredAtSubject: Subject = {
  dynamic: false,
  operators: new Set(ORDERING),
  predicate(operator, args, expression) {
    const argument = args[0];
    if (argument === undefined) throw new Error(`operator ${operator} arrived without an argument`);
    const span = parseTimeSpan(argument.text);
    if (span === undefined) {
      throw expressionError(
        expression,
        argument.column,
        `'${argument.text}' is not a date such as 2018-06-18 or 2018-06-18T22:28:28Z`,
      );
    }
    // Against a span, "equal" means inside it, "greater" after its end.
    return (i) => holds(operator, i.registeredAt < span.start ? -1 : i.registeredAt >= span.end ? 1 : 0);
  },
};

const runningTasksCountSubject: Subject = {
  dynamic: true,
  operators: new Set(ORDERING),
  predicate(operator, args, expression) {
    const argument = args[0];
    if (argument === undefined) throw new Error(`operator ${operator} arrived without an argument`);
    if (!/^\d+$/.test(argument.text)) {
      throw expressionError(expression, argument.column, `'${argument.text}' is not a whole number`);
    }
    const count = Number(argument.text);
    return (i) => holds(operator, i.taskCount - count);
  },
};

/** task:group has one value per group with a task on the instance; a positive test needs any of them. */
const taskGroupSubject: Subject = {
  dynamic: true,
  operators: new Set([...EQUALITY, ...EXISTENCE]),
  predicate(operator, args) {
    const runs = (i: CandidateInstance, group: string) => (i.groupCounts.get(group) ?? 0) > 0;
    const groups = (i: CandidateInstance) => [...i.groupCounts].filter(([, n]) => n > 0).map(([g]) => g);
    switch (operator) {
      case 'exists':
        return (i) => groups(i).length > 0;
      case 'matches': {
        const pattern = wildcardPattern(args[0]?.text ?? '');
        return (i) => groups(i).some((g) => pattern.test(g));
      }
      default: {
        const wanted = args.map((a) => a.text);
        return (i) => wanted.some((g) => runs(i, g));
      }
    }
  },
};
