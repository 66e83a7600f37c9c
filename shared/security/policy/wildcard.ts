/**
 * IAM's wildcards: `*` matches any run of characters (`/` and `:` included),
 * `?` exactly one. Matched by walking both strings rather than by a regular
 * expression, so a pattern full of stars costs at most length × length steps
 * and can never backtrack exponentially on a hostile resource name.
 */
export function wildcardMatch(pattern: string, value: string, ignoreCase = false): boolean {
  const p = ignoreCase ? pattern.toLowerCase() : pattern;
  const v = ignoreCase ? value.toLowerCase() : value;
  let pi = 0;
  let vi = 0;
  let star = -1;
  let resumeAt = 0;
  while (vi < v.length) {
    if (pi < p.length && (p[pi] === '?' || p[pi] === v[vi])) {
      pi += 1;
      vi += 1;
    } else if (pi < p.length && p[pi] === '*') {
      star = pi;
      resumeAt = vi;
      pi += 1;
    } else if (star >= 0) {
      // Let the last star swallow one more character and try again from there.
      pi = star + 1;
      resumeAt += 1;
      vi = resumeAt;
    } else {
      return false;
    }
  }
  while (pi < p.length && p[pi] === '*') pi += 1;
  return pi === p.length;
}
