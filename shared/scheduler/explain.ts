import { MAX_REASON_INSTANCES, type PlacementDecision, type PlacementReason, type ReasonCount } from './types.ts';

/** How each reason reads in the sentence, for one instance and for several. */
const PHRASES: Readonly<Record<PlacementReason, readonly [one: string, many: string]>> = {
  INACTIVE: ['is not ACTIVE', 'are not ACTIVE'],
  AGENT: ['has no connected agent', 'have no connected agent'],
  'RESOURCE:CPU': ['lacked CPU', 'lacked CPU'],
  'RESOURCE:MEMORY': ['lacked memory', 'lacked memory'],
  'RESOURCE:GPU': ['lacked GPUs', 'lacked GPUs'],
  'RESOURCE:PORTS': ['had a required host port in use', 'had a required host port in use'],
  DISTINCT_INSTANCE: ['already ran a task of the group', 'already ran a task of the group'],
  ATTRIBUTE: ['did not match a memberOf constraint', 'did not match a memberOf constraint'],
};

/** Equal counts are listed in the order pipeline.ts applies its filters. */
const FILTER_ORDER: readonly PlacementReason[] = [
  'INACTIVE',
  'AGENT',
  'RESOURCE:CPU',
  'RESOURCE:MEMORY',
  'RESOURCE:GPU',
  'RESOURCE:PORTS',
  'DISTINCT_INSTANCE',
  'ATTRIBUTE',
];

interface Tally {
  count: number;
  readonly instanceIds: string[];
  readonly example: string;
}

/**
 * Collects one rejection per instance during an evaluation and turns them
 * into the answer to "why is my task not placed".
 */
export class RejectionTally {
  private readonly byReason = new Map<PlacementReason, Tally>();

  add(instanceId: string, reason: PlacementReason, detail: string): void {
    const tally = this.byReason.get(reason);
    if (tally === undefined) {
      this.byReason.set(reason, { count: 1, instanceIds: [instanceId], example: detail });
      return;
    }
    tally.count += 1;
    if (tally.instanceIds.length < MAX_REASON_INSTANCES) tally.instanceIds.push(instanceId);
  }

  decision(): PlacementDecision {
    const reasons: ReasonCount[] = [...this.byReason]
      .map(([reason, t]) => ({ reason, count: t.count, instanceIds: t.instanceIds, example: t.example }))
      .sort((a, b) => b.count - a.count || FILTER_ORDER.indexOf(a.reason) - FILTER_ORDER.indexOf(b.reason));
    if (reasons.length === 0) {
      return { kind: 'unplaceable', reasons, message: 'No container instances were found in the cluster' };
    }
    const parts = reasons.map((r) => {
      const [one, many] = PHRASES[r.reason];
      return `${r.count} ${r.count === 1 ? one : many} (${r.reason})`;
    });
    return { kind: 'unplaceable', reasons, message: `No container instance met all requirements: ${parts.join(', ')}` };
  }
}
