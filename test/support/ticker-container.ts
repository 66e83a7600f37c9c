import type { ContainerDefinition } from '@aws-sdk/client-ecs';

/**
 * A container that writes `tick-<n><suffix>` every second to an awslogs
 * stream (`<group>`, prefix `ecs`) and passes a health check: the console's
 * logs, live refresh and health have something real to show.
 */
export function tickerContainer(group: string, suffix = ''): Partial<ContainerDefinition> {
  return {
    command: ['sh', '-c', `i=0; while true; do i=$((i+1)); echo "tick-$i${suffix}"; sleep 1; done`],
    logConfiguration: {
      logDriver: 'awslogs',
      options: { 'awslogs-group': group, 'awslogs-region': 'us-east-1', 'awslogs-stream-prefix': 'ecs' },
    },
    healthCheck: { command: ['CMD-SHELL', 'true'], interval: 5, timeout: 2, retries: 2 },
  };
}
