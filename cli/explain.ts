import { parseArgs } from 'node:util';
import * as z from 'zod';
import {
  explainPlacementResponse,
  type ExplainPlacementResponse,
  type ReasonExplanation,
} from '#shared/schemas/explain-placement.ts';
import type { PlacementStrategy } from '#shared/schemas/task.ts';
import type { PlacementConstraint } from '#shared/schemas/task-definition.ts';

/**
 * `berth explain`: asks the control plane where a RunTask would place its
 * tasks and why (POST /berth/v1/explain-placement), without running anything.
 */
export const EXPLAIN_USAGE = `Usage: berth explain --task-definition FAMILY[:REVISION] [options]

  --cluster NAME             cluster (default: default)
  --task-definition REF      family, family:revision or ARN
  --count N                  tasks to plan, 1 to 10 (default 1)
  --group NAME               task group (default family:<family>)
  --strategy TYPE[:FIELD]    repeatable, in order: binpack:memory, spread:attribute:ecs.availability-zone, random
  --constraint C             repeatable: distinctInstance, or memberOf:EXPRESSION
  --endpoint-url URL         Berth's endpoint (also --endpoint; BERTH_ENDPOINT, AWS_ENDPOINT_URL_ECS,
                             AWS_ENDPOINT_URL; default http://127.0.0.1:7466)
  --output table|text|json   json prints the answer as the API gives it`;

export interface CliIo {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
  readonly env: NodeJS.ProcessEnv;
  /** Injected by tests; the global fetch otherwise. */
  readonly fetch?: typeof fetch;
}

const DEFAULT_ENDPOINT = 'http://127.0.0.1:7466';
const errorBody = z.object({ __type: z.string(), message: z.string() });

/** Runs the subcommand; resolves to the process exit code (0 ok, 1 refused or failed, 2 usage). */
export async function explainCommand(argv: readonly string[], io: CliIo): Promise<number> {
  const parsed = parseExplainArgs(argv);
  if (parsed.kind === 'help') {
    io.stdout(`${EXPLAIN_USAGE}\n`);
    return 0;
  }
  if (parsed.kind === 'usage') {
    io.stderr(`berth explain: ${parsed.message}\n\n${EXPLAIN_USAGE}\n`);
    return 2;
  }
  // The same order as the rest of the berth CLI and the AWS CLI read it.
  const endpoint = (
    parsed.endpoint ??
    io.env.BERTH_ENDPOINT ??
    io.env.AWS_ENDPOINT_URL_ECS ??
    io.env.AWS_ENDPOINT_URL ??
    DEFAULT_ENDPOINT
  ).replace(/\/+$/, '');
  const url = `${endpoint}/berth/v1/explain-placement`;
  let status: number;
  let text: string;
  try {
    const response = await (io.fetch ?? fetch)(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(parsed.body),
    });
    status = response.status;
    text = await response.text();
  } catch (error) {
    io.stderr(`berth explain: cannot reach ${url}: ${error instanceof Error ? error.message : String(error)}\n`);
    return 1;
  }
  const json = safeJson(text);
  if (status >= 400) {
    const known = errorBody.safeParse(json);
    io.stderr(
      `berth explain: ${known.success ? `${known.data.__type}: ${known.data.message}` : `HTTP ${status}: ${text.slice(0, 300)}`}\n`,
    );
    return 1;
  }
  const answer = explainPlacementResponse.safeParse(json);
  if (!answer.success) {
    io.stderr(`berth explain: unexpected answer from ${url}: ${answer.error.issues[0]?.message ?? 'invalid'}\n`);
    return 1;
  }
  io.stdout(parsed.json ? `${JSON.stringify(answer.data, null, 2)}\n` : formatExplanation(answer.data));
  return 0;
}

type ParsedArgs =
  | { kind: 'help' }
  | { kind: 'usage'; message: string }
  | { kind: 'run'; endpoint?: string; json: boolean; body: Record<string, unknown> };

export function parseExplainArgs(argv: readonly string[]): ParsedArgs {
  let values;
  try {
    ({ values } = parseArgs({
      args: [...argv],
      strict: true,
      options: {
        cluster: { type: 'string' },
        'task-definition': { type: 'string' },
        count: { type: 'string' },
        group: { type: 'string' },
        strategy: { type: 'string', multiple: true },
        constraint: { type: 'string', multiple: true },
        endpoint: { type: 'string' },
        'endpoint-url': { type: 'string' },
        output: { type: 'string' },
        // The old spelling of --output json, kept for scripts that use it.
        json: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
    }));
  } catch (error) {
    return { kind: 'usage', message: error instanceof Error ? error.message : String(error) };
  }
  if (values.help) return { kind: 'help' };
  const output = values.output ?? 'table';
  if (!['table', 'text', 'json'].includes(output))
    return { kind: 'usage', message: `--output ${output}: must be table, text or json` };
  const taskDefinition = values['task-definition'];
  if (taskDefinition === undefined) return { kind: 'usage', message: '--task-definition is required' };
  const count = values.count === undefined ? undefined : Number(values.count);
  if (count !== undefined && !(Number.isInteger(count) && count >= 1 && count <= 10)) {
    return { kind: 'usage', message: '--count must be a whole number from 1 to 10' };
  }
  const strategies = (values.strategy ?? []).map(readStrategy);
  const constraints = (values.constraint ?? []).map(readConstraint);
  const bad = [...strategies, ...constraints].find((x): x is { error: string } => 'error' in x);
  if (bad) return { kind: 'usage', message: bad.error };
  return {
    kind: 'run',
    ...((values['endpoint-url'] ?? values.endpoint) !== undefined && {
      endpoint: values['endpoint-url'] ?? values.endpoint,
    }),
    json: values.json === true || output === 'json',
    body: {
      taskDefinition,
      ...(values.cluster !== undefined && { cluster: values.cluster }),
      ...(count !== undefined && { count }),
      ...(values.group !== undefined && { group: values.group }),
      ...(strategies.length > 0 && { placementStrategy: strategies }),
      ...(constraints.length > 0 && { placementConstraints: constraints }),
    },
  };
}

function readStrategy(text: string): PlacementStrategy | { error: string } {
  const [type, ...rest] = text.split(':');
  const field = rest.join(':');
  if (type !== 'random' && type !== 'spread' && type !== 'binpack') {
    return { error: `--strategy ${JSON.stringify(text)}: the type must be random, spread or binpack` };
  }
  return field === '' ? { type } : { type, field };
}

function readConstraint(text: string): PlacementConstraint | { error: string } {
  if (text === 'distinctInstance') return { type: 'distinctInstance' };
  if (text.startsWith('memberOf:') && text.length > 'memberOf:'.length) {
    return { type: 'memberOf', expression: text.slice('memberOf:'.length) };
  }
  return { error: `--constraint ${JSON.stringify(text)}: use distinctInstance or memberOf:EXPRESSION` };
}

/** The answer as a person reads it: one block per task. */
export function formatExplanation(answer: ExplainPlacementResponse): string {
  const lines: string[] = [];
  const ports = answer.demand.ports.length > 0 ? `, ports ${answer.demand.ports.join(',')}` : '';
  lines.push(
    `${answer.taskDefinitionArn} in cluster ${answer.cluster}, group ${answer.group}`,
    `each task needs ${answer.demand.cpu} cpu units, ${answer.demand.memory} MiB${ports}; ${answer.instances} instance(s) considered`,
  );
  for (const task of answer.tasks) {
    lines.push('');
    if (task.placed) {
      lines.push(`task ${task.index + 1}: ${task.containerInstanceArn}`);
      const scores = task.scores.map(
        (s) => `${s.type}${s.field ? `(${s.field})` : ''}=${s.score === null ? 'drawn' : round(s.score)}`,
      );
      lines.push(`  scores: ${scores.join('  ')}`);
      lines.push(`  ${task.candidates} candidate(s), ${task.tiedWith} with the best score`);
      for (const reason of task.rejected) lines.push(...reasonLines(reason, '  not on'));
    } else {
      lines.push(`task ${task.index + 1}: not placed: ${task.message}`);
      for (const reason of task.reasons) lines.push(...reasonLines(reason, ' '));
    }
  }
  return `${lines.join('\n')}\n`;
}

function reasonLines(reason: ReasonExplanation, lead: string): string[] {
  const lines = [`${lead} ${reason.count} instance(s): ${reason.reason} (${reason.example})`];
  for (const instance of reason.instances) lines.push(`      ${instance.containerInstanceArn}: ${instance.detail}`);
  if (reason.count > reason.instances.length)
    lines.push(`      ... and ${reason.count - reason.instances.length} more`);
  return lines;
}

function round(score: number): string {
  return Number(score.toPrecision(6)).toString();
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
