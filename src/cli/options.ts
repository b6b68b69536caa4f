import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { type ParseArgsConfig, parseArgs } from 'node:util';
import { parseInstant } from '../core/time.js';
import { type CliIO, UsageError } from './io.js';

export const COMMON = {
  json: { type: 'boolean' },
  now: { type: 'string' },
  root: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const satisfies ParseArgsConfig['options'];

/** Strict option parsing: an unknown option or a missing value is a usage error (exit 2). */
export function parse<O extends NonNullable<ParseArgsConfig['options']>>(
  command: string,
  args: string[],
  options: O,
  allowPositionals = false,
) {
  try {
    return parseArgs({ args, options, strict: true, allowPositionals });
  } catch (e) {
    throw new UsageError(`jit ${command}: ${(e as Error).message}. Run \`jit ${command} --help\`.`);
  }
}

/** `--now` or the real clock, read once. */
export function clock(io: CliIO, now: string | undefined): number {
  if (now === undefined) return io.now();
  const t = parseInstant(now);
  if (!t.ok) throw new UsageError(`--now "${now}" ${t.why}.`);
  return t.ms;
}

/**
 * The repository tree to read. A folder without `policies/` is refused: checking an empty or
 * wrong folder would report "0 problems", a silent pass.
 */
export function rootDir(io: CliIO, root: string | undefined): string {
  const dir = resolve(io.cwd, root ?? '.');
  if (!existsSync(join(dir, 'policies'))) {
    throw new UsageError(
      `${dir} has no policies/ folder; run jit from the repository root or pass --root DIR.`,
    );
  }
  return dir;
}
