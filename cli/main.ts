import { runBerth } from './berth.ts';

/** The `berth` process: arguments and environment in, exit code out. */
const code = await runBerth(process.argv.slice(2), {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
  env: process.env,
  // Colour, a progress line and the window's width only for a person at a terminal.
  terminal: { isTTY: process.stdout.isTTY, columns: process.stdout.columns },
});
process.exitCode = code;
