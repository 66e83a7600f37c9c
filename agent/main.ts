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
  // Heard from the start. A signal while the agent is still starting (registering, reaching the engine, which
  // may take long or hang) ends it at once: nothing this run started needs stopping, and the next agent adopts
  // what runs. With --drain it stops, draining, as soon as it has started.
  const signalled = new Promise<string>((resolve) => {
    process.once('SIGTERM', () => resolve('SIGTERM'));
    process.once('SIGINT', () => resolve('SIGINT'));
  });
  const starting = startAgent({ ...options, logger, runtime: dockerRuntimeFor(options) });
  starting.catch(() => undefined);
  const first = await Promise.race([starting, signalled]);
  if (typeof first === 'string' && !cli.config.drain) {
    logger.info('Stopping on signal during start-up', { signal: first });
    return 0;
  }
  const agent = await starting;
  const signal = await signalled;
  logger.info('Stopping on signal', { signal, drain: cli.config.drain });
  await agent.stop({ drain: cli.config.drain });
  return 0;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`berth-agent: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  },
);
