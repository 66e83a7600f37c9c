/**
 * Ctrl-C (SIGINT) and SIGTERM for a process that must tidy up before it
 * exits: the first signal runs `stop` and exits 0 when it is done; if
 * `stop` fails or takes longer than `deadlineMs`, the process exits 1 anyway
 * (exiting releases what the process holds, such as the data directory's
 * lock). A second signal exits at once with 130, as a shell reports Ctrl-C.
 */
export interface ShutdownOptions {
  readonly stop: () => Promise<void>;
  readonly deadlineMs: number;
  readonly say?: (line: string) => void;
  readonly exit?: (code: number) => void;
  /** Where the signals come from: the process, or a stand-in in tests. */
  readonly signals?: { on(signal: 'SIGINT' | 'SIGTERM', listener: () => void): unknown };
}

export function exitOnSignals(options: ShutdownOptions): void {
  const say = options.say ?? ((line: string) => process.stderr.write(`${line}\n`));
  const exit = options.exit ?? ((code: number) => process.exit(code));
  let stopping = false;
  const onSignal = () => {
    if (stopping) {
      say('berth: stopped without tidying up');
      exit(130);
      return;
    }
    stopping = true;
    say('berth: stopping (Ctrl-C again to quit at once)');
    const deadline = setTimeout(() => {
      say(`berth: not stopped after ${options.deadlineMs / 1000} s; exiting anyway`);
      exit(1);
    }, options.deadlineMs);
    deadline.unref();
    options.stop().then(
      () => exit(0),
      (error: unknown) => {
        say(`berth: stopping failed: ${error instanceof Error ? error.message : String(error)}`);
        exit(1);
      },
    );
  };
  const signals = options.signals ?? process;
  signals.on('SIGINT', onSignal);
  signals.on('SIGTERM', onSignal);
}
