/**
 * ECS's environment files: `VARIABLE=VALUE` lines, `#` starting a comment
 * line, blank lines ignored, the value taken as written (no quotes
 * removed, no expansion: the file is handled like a Docker env-file).
 * Among several files the first to set a variable wins; the container's
 * `environment` wins over every file.
 */
export interface FileVariable {
  readonly name: string;
  readonly value: string;
}

/** The variables of one file, in order; a line without `=` or with an empty name is skipped. */
export function parseEnvironmentFile(text: string): FileVariable[] {
  const variables: FileVariable[] = [];
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trimStart();
    if (line === '' || line.startsWith('#')) continue;
    const equals = line.indexOf('=');
    if (equals <= 0) continue;
    variables.push({ name: line.slice(0, equals).trim(), value: line.slice(equals + 1) });
  }
  return variables;
}

/**
 * The container's environment with its files beneath it: files in the
 * order the definition lists them, the first to set a name winning, then
 * the definition's own variables over all of them.
 */
export function mergeEnvironmentFiles(
  files: readonly string[],
  environment: ReadonlyMap<string, string>,
): Map<string, string> {
  const merged = new Map<string, string>();
  for (const text of files) {
    for (const { name, value } of parseEnvironmentFile(text)) if (!merged.has(name)) merged.set(name, value);
  }
  for (const [name, value] of environment) merged.set(name, value);
  return merged;
}
