/**
 * CloudWatch Logs' filter patterns for unstructured lines: terms that must
 * all appear (`ERROR timeout`), quoted phrases (`"not found"`), terms that
 * must not (`-DEBUG`), and alternatives (`?ERROR ?WARN`: any one of them).
 * Matching is case-sensitive, as there. JSON (`{ ... }`) and space-delimited
 * (`[ ... ]`) patterns are not supported and answer undefined.
 */
export type LinePredicate = (message: string) => boolean;

export function compileFilterPattern(pattern: string | undefined): LinePredicate | undefined {
  const text = (pattern ?? '').trim();
  if (text === '' || text === '""') return () => true;
  if (text.startsWith('{') || text.startsWith('[')) return undefined;
  const terms = [...text.matchAll(/([?-]?)(?:"((?:[^"\\]|\\.)*)"|(\S+))/g)].map((m) => ({
    kind: m[1] === '?' ? 'any' : m[1] === '-' ? 'none' : 'all',
    value: m[2] ?? m[3] ?? '',
  }));
  const all = terms.filter((t) => t.kind === 'all').map((t) => t.value);
  const none = terms.filter((t) => t.kind === 'none').map((t) => t.value);
  const any = terms.filter((t) => t.kind === 'any').map((t) => t.value);
  return (message) =>
    all.every((t) => message.includes(t)) &&
    !none.some((t) => message.includes(t)) &&
    (any.length === 0 || any.some((t) => message.includes(t)));
}
