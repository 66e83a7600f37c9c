/** `arn:aws:ecs:<region>:<account>:service/<cluster>/<name>` -> its cluster and name. */
export function serviceOfArn(arn: string): { cluster: string; service: string } | undefined {
  const match = /:service\/([^/]+)\/([^/]+)$/.exec(arn);
  return match?.[1] && match[2] ? { cluster: match[1], service: match[2] } : undefined;
}
