import { runCli } from './main.js';

/** Entry point of the `jit` binary: process streams, real clock, exit code. */
const code = await runCli(process.argv.slice(2), {
  out: (t) => process.stdout.write(`${t}\n`),
  err: (t) => process.stderr.write(`${t}\n`),
  env: process.env,
  cwd: process.cwd(),
  now: () => Date.now(),
});
process.exitCode = code;
