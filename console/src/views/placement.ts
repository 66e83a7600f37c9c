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
 * (`POST /berth/v1/explain-placement`, as `berth explain` asks it) of one
 * task of the same definition in the same cluster, against the fleet as it
 * is now.
 */
export function PlacementView({ cluster, task }: { cluster: string; task: Task }) {
  const polled = usePolled(`explain:${task.taskArn}`, (api) =>
    api.berth<Explanation>('explain-placement', {
      cluster,
      taskDefinition: task.taskDefinitionArn,
      count: 1,
      ...(task.group !== undefined && { group: task.group }),
    }),
  );
  return html`<${Loaded} polled=${polled}
    >${(answer: Explanation) => {
      const plan = answer.tasks?.[0];
      if (!plan) return html`<${Empty}>No explanation came back.<//>`;
      const demand = `needs ${answer.demand?.cpu ?? 0} cpu units, ${answer.demand?.memory ?? 0} MiB${
        answer.demand?.ports?.length ? `, ports ${answer.demand.ports.join(', ')}` : ''
      }; ${answer.instances ?? 0} instances considered`;
      const reasons = (plan.placed ? plan.rejected : plan.reasons) ?? [];
      return html`<div class="explain">
        <p>
          ${
            plan.placed
              ? html`A task like this one would now go to
                  <span class="mono">${shortName(plan.containerInstanceArn)}</span> (${plan.candidates} candidates).`
              : html`<strong>Not placeable now:</strong> ${plan.message}`
          }
          <span class="dim"> ${demand}</span>
        </p>
        ${
          reasons.length > 0 &&
          html`<table class="grid compact">
            <thead>
              <tr>
                <th>Reason</th>
                <th class="n">Instances</th>
                <th>Detail</th>
              </tr>
            </thead>
            <tbody>
              ${reasons.map(
                (r) =>
                  html`<tr>
                    <td class="mono">${r.reason}</td>
                    <td class="n">${r.count}</td>
                    <td>
                      ${(r.instances ?? []).map((i) => html`<div>${shortName(i.containerInstanceArn)}: ${i.detail}</div>`)}
                    </td>
                  </tr>`,
              )}
            </tbody>
          </table>`
        }
      </div>`;
    }}<//
  >`;
}
