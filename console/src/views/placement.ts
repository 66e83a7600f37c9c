import { html } from '../html.ts';
import { usePolled } from '../poll.ts';
import { Empty, Loaded } from '../ui.ts';
import { shortName, type Task } from '../ecs.ts';

interface ReasonExplanation {
  reason?: string;
  count?: number;
  example?: string;
  instances?: Array<{ containerInstanceArn?: string; detail?: string }>;
}

interface Explanation {
  instances?: number;
  demand?: { cpu?: number; memory?: number; ports?: number[] };
  tasks?: Array<{
    placed?: boolean;
    message?: string;
    containerInstanceArn?: string;
    candidates?: number;
    reasons?: ReasonExplanation[];
    rejected?: ReasonExplanation[];
  }>;
}

/**
 * Why a pending task is not placed: Berth's dry run
 * (`POST /berth/v1/explain-placement` with the task's ARN) of this very
 * task as it is stored, against the fleet as it is now.
 */
export function PlacementView({ cluster, task }: { cluster: string; task: Task }) {
  const polled = usePolled(`explain:${task.taskArn}`, (api) =>
    // The stored task, with its own constraints, strategy and capacity provider, not just its definition.
    api.berth<Explanation>('explain-placement', { cluster, task: task.taskArn }),
  );
  return html`<${Loaded} polled=${polled}
    >${(answer: Explanation) => {
      const plan = answer.tasks?.[0];
      if (!plan) return html`<${Empty}>No explanation came back.<//>`;
      const cpu = answer.demand?.cpu ? `${answer.demand.cpu} cpu units` : 'no cpu units';
      const demand = `This task reserves ${cpu} and ${answer.demand?.memory ?? 0} MiB${
        answer.demand?.ports?.length ? `, host ports ${answer.demand.ports.join(', ')}` : ''
      }; ${plural(answer.instances ?? 0, 'instance')} considered.`;
      const reasons = (plan.placed ? plan.rejected : plan.reasons) ?? [];
      return html`<div class="explain">
        <p>
          ${
            plan.placed
              ? html`A task like this one would now go to
                  <span class="mono">${shortName(plan.containerInstanceArn)}</span>
                  (${plural(plan.candidates ?? 0, 'candidate')}).`
              : html`<strong class="bad">Not placeable now.</strong> ${plan.message}.`
          }
        </p>
        <p class="dim">${demand}</p>
        ${reasons.length > 0 && html`<${Rejections} reasons=${reasons} />`}
      </div>`;
    }}<//
  >`;
}

/** One row per rejected instance (the API lists at most 10 per reason; the count says how many in all). */
function Rejections({ reasons }: { reasons: ReasonExplanation[] }) {
  return html`<table class="grid compact rejections">
    <thead>
      <tr>
        <th>Reason</th>
        <th>Instance</th>
        <th>Why</th>
      </tr>
    </thead>
    <tbody>
      ${reasons.flatMap((r) => [
        ...(r.instances ?? []).map(
          (i) =>
            html`<tr>
              <td class="mono">${r.reason}</td>
              <td class="mono">${shortName(i.containerInstanceArn)}</td>
              <td>${withoutId(i.detail, shortName(i.containerInstanceArn))}</td>
            </tr>`,
        ),
        (r.count ?? 0) > (r.instances ?? []).length &&
          html`<tr>
            <td class="mono">${r.reason}</td>
            <td colspan="2" class="dim">and ${(r.count ?? 0) - (r.instances ?? []).length} more instances</td>
          </tr>`,
      ])}
    </tbody>
  </table>`;
}

function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`;
}

/** The filter's words start with the instance's id, already in the row's own column. */
function withoutId(detail: string | undefined, id: string): string {
  return detail?.startsWith(`${id} `) ? detail.slice(id.length + 1) : (detail ?? '');
}
