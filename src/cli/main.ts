import { type CliIO, EXIT, UsageError } from './io.js';

type Command = (args: string[], io: CliIO) => number | Promise<number>;

/**
 * Commands load on first use: `jit check` never pays for the GitHub client, the PostgreSQL
 * driver or the SCIM connector (the bundle is split per command; see scripts/build.mjs).
 */
const COMMANDS: Record<string, () => Promise<Command>> = {
  audit: async () => (await import('./commands/audit.js')).auditCommand,
  check: async () => (await import('./commands/check.js')).checkCommand,
  expire: async () => (await import('./commands/expire.js')).expireCommand,
  request: async () => (await import('./commands/request.js')).requestCommand,
  status: async () => (await import('./commands/status.js')).statusCommand,
  simulate: async () => (await import('./commands/simulate.js')).simulateCommand,
  sync: async () => (await import('./commands/sync.js')).syncCommand,
};

export const USAGE = `jit — just-in-time access, as GitOps

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

/** Runs one CLI invocation and returns its exit code. Never throws for user mistakes. */
export async function runCli(argv: string[], io: CliIO): Promise<number> {
  const [name, ...args] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    io.out(USAGE);
    return name ? EXIT.ok : EXIT.usage;
  }
  const load = COMMANDS[name];
  if (!load) {
    io.err(`jit: unknown command "${name}". Commands: ${Object.keys(COMMANDS).join(', ')}.`);
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
    // A bug or an I/O failure: one line with context, no stack unless JIT_DEBUG is set.
    io.err(`jit ${name}: ${(e as Error).message}`);
    if (io.env.JIT_DEBUG) io.err(String((e as Error).stack));
    return EXIT.usage;
  }
}
