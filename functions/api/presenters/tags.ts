/**
 * ECS's Describe operations return tags only when the request asks for them
 * with `include: ["TAGS"]`; Create, Update, Run and the tagging operations
 * return them always. The presenters show them; a describe without the
 * request drops them here.
 */
export function includesTags(include: readonly string[] | undefined): boolean {
  return include?.includes('TAGS') ?? false;
}

export function tagsIfIncluded(
  include: readonly string[] | undefined,
  presented: Record<string, unknown>,
): Record<string, unknown> {
  if (includesTags(include)) return presented;
  const { tags: _tags, ...rest } = presented;
  return rest;
}
