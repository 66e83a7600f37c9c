/**
 * A capacity provider strategy as ECS answers it: `weight` and `base` are
 * always present, 0 where the caller left them out (their documented
 * defaults), as DescribeClusters and DescribeServices show them.
 */
export function presentStrategy(
  items: readonly { capacityProvider: string; weight?: number | undefined; base?: number | undefined }[],
) {
  return items.map((i) => ({ capacityProvider: i.capacityProvider, weight: i.weight ?? 0, base: i.base ?? 0 }));
}
