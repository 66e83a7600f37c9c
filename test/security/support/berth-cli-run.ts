import { runBerth } from '#cli/berth.ts';
import type { TerminalFacts } from '#cli/terminal.ts';

export interface CliRun {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** `berth ARGS` against `endpoint`, signed with `key`, with `stdin` as its standard input. */
export async function berthCli(
  endpoint: string,
  key: { accessKeyId: string; secretAccessKey: string },
  args: readonly string[],
  stdin = '',
  /** More environment (COLUMNS, NO_COLOR), and what stdout is when not a pipe. */
  more: { env?: NodeJS.ProcessEnv; terminal?: TerminalFacts } = {},
): Promise<CliRun> {
  let stdout = '';
  let stderr = '';
  const code = await runBerth(args, {
    stdout: (text) => void (stdout += text),
    stderr: (text) => void (stderr += text),
    env: {
      BERTH_ENDPOINT: endpoint,
      AWS_ACCESS_KEY_ID: key.accessKeyId,
      AWS_SECRET_ACCESS_KEY: key.secretAccessKey,
      ...more.env,
    },
    readStdin: async () => stdin,
    ...(more.terminal && { terminal: more.terminal }),
  });
  return { code, stdout, stderr };
}
