import { startAgent } from './agent.ts';
import { parseCli, toAgentOptions, USAGE } from './config/cli.ts';
import { dockerRuntimeFor } from './docker/default-runtime.ts';
import { jsonLogger } from './log.ts';

/**
 * berth-agent's entry. SIGTERM or SIGINT stops the agent: plainly (the
 * containers keep running and the next agent adopts them) or, with --drain,
 * after stopping every task gracefully.
 */
async function main(): Promise<number> {
  const cli = parseCli(process.argv.slice(2), process.env);
  if (!cli.ok) {
    process.stderr.write(`berth-agent: ${cli.message}\n\n${USAGE}\n`);
    return 2;
  }
  if ('help' in cli) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  const logger = jsonLogger(cli.config.logLevel);
  const options = toAgentOptions(cli.config);
  const agent = await startAgent({ ...options, logger, runtime: dockerRuntimeFor(options) });
  await new Promise<void>((resolve) => {
    const onSignal = (signal: string): void => {
      logger.info('Stopping on signal', { signal, drain: cli.config.drain });
      void agent.stop({ drain: cli.config.drain }).then(resolve);
    };
    process.once('SIGTERM', () => onSignal('SIGTERM'));
    process.once('SIGINT', () => onSignal('SIGINT'));
  });
  return 0;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`berth-agent: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  },
);
