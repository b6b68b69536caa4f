import { runCli } from './main.js';

// `jit status | head` closes the pipe early: stop quietly like other Unix tools, never with a
// stack trace.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw e;
  });
}

/** Entry point of the `jit` binary: process streams, real clock, exit code. */
const code = await runCli(process.argv.slice(2), {
  out: (t) => process.stdout.write(`${t}\n`),
  err: (t) => process.stderr.write(`${t}\n`),
  env: process.env,
  cwd: process.cwd(),
  now: () => Date.now(),
});
process.exitCode = code;
