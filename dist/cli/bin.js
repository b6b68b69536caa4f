import { createRequire as __jitCreateRequire } from 'node:module'; const require = __jitCreateRequire(import.meta.url);
import {
  EXIT,
  UsageError
} from "./chunks/chunk-IK6MJZGE.js";

// src/cli/main.ts
var COMMANDS = {
  audit: async () => (await import("./chunks/audit-TQQO3WZ4.js")).auditCommand,
  check: async () => (await import("./chunks/check-4B6L4UZU.js")).checkCommand,
  expire: async () => (await import("./chunks/expire-H6VD46QE.js")).expireCommand,
  request: async () => (await import("./chunks/request-WMRDD2YU.js")).requestCommand,
  status: async () => (await import("./chunks/status-V6FDQW3T.js")).statusCommand,
  simulate: async () => (await import("./chunks/simulate-4PN7KHIG.js")).simulateCommand,
  sync: async () => (await import("./chunks/sync-QJZ2BTT5.js")).syncCommand
};
var USAGE = `jit \u2014 just-in-time access, as GitOps

Usage: jit <command> [options]

Commands:
  check      validate every policy and grant in the tree
  request    write a grant file for an access request
  status     active, upcoming and expired-but-present grants
  simulate   evaluate a saved pull-request snapshot offline
  expire     plan or open the removal pull request for expired grants
  sync       reconcile target systems with the active grants
  audit      the audit trail from git history

Common options: --json, --now RFC3339, --root DIR. Run \`jit <command> --help\` for more.`;
async function runCli(argv, io) {
  const [name, ...args] = argv;
  if (!name || name === "--help" || name === "-h" || name === "help") {
    io.out(USAGE);
    return name ? EXIT.ok : EXIT.usage;
  }
  const load = COMMANDS[name];
  if (!load) {
    io.err(`jit: unknown command "${name}". Commands: ${Object.keys(COMMANDS).join(", ")}.`);
    return EXIT.usage;
  }
  try {
    const command = await load();
    return await command(args, io);
  } catch (e) {
    if (e instanceof UsageError) {
      io.err(e.message);
      return EXIT.usage;
    }
    io.err(`jit ${name}: ${e.message}`);
    if (io.env.JIT_DEBUG) io.err(String(e.stack));
    return EXIT.usage;
  }
}

// src/cli/bin.ts
for (const stream of [process.stdout, process.stderr]) {
  stream.on("error", (e) => {
    if (e.code === "EPIPE") process.exit(process.exitCode ?? 0);
    throw e;
  });
}
var code = await runCli(process.argv.slice(2), {
  out: (t) => process.stdout.write(`${t}
`),
  err: (t) => process.stderr.write(`${t}
`),
  env: process.env,
  cwd: process.cwd(),
  now: () => Date.now()
});
process.exitCode = code;
