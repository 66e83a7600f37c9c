/**
 * Which actions change nothing. Only these skip the replay check and the
 * audit log's record of success; anything not listed here, including an ECS
 * operation Berth does not know yet, is treated as mutating.
 */
const READ_ONLY =
  /^(ecs:(Describe|List|Get)[A-Za-z]*|application-autoscaling:Describe[A-Za-z]*|logs:(Describe|Get|Filter)[A-Za-z]*|ecs:ExplainPlacement|ecs:DiscoverPollEndpoint|berth:ListAccessKeys|berth:ReadAudit|berth:GetClusterPolicy|berth:ListSecrets)$/;

export function isReadOnly(action: string): boolean {
  return READ_ONLY.test(action);
}
