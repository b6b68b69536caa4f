/** Where a command writes; tests pass buffers, the binary passes process streams. */
export interface CliIO {
  out(text: string): void;
  err(text: string): void;
  env: Record<string, string | undefined>;
  cwd: string;
  /** The clock, read once per run unless --now overrides it. */
  now(): number;
}

/** Exit codes of SPEC §7. */
export const EXIT = { ok: 0, findings: 1, usage: 2, pending: 3 } as const;

/** A user mistake in the command line or an unreadable input: exit 2 with this message. */
export class UsageError extends Error {}
