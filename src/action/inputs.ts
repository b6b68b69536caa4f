import { parseDuration } from '../core/time.js';

export type Command = 'evaluate' | 'expire' | 'sync';

export interface ActionInputs {
  command: Command;
  token: string;
  statusContext: string;
  comment: boolean;
  requestReviews: boolean;
  merge: 'off' | 'squash' | 'merge';
  basePath: string;
  pullRequest?: number;
  autoMerge: boolean;
  requestTtlMs: number;
  apiBudget: number;
  dryRun: boolean;
  requireProvenance: boolean;
  system?: string;
}

/** Reads an input the way the runner passes it: INPUT_<NAME upper-cased, spaces as _>. */
export type InputReader = (name: string) => string;

export const envInputs =
  (env: Record<string, string | undefined>): InputReader =>
  (name) =>
    (env[`INPUT_${name.replace(/ /g, '_').toUpperCase()}`] ?? '').trim();

/**
 * Validates every input up front; each problem names the input, the value and what is allowed.
 * Returns all problems at once so a misconfigured workflow is fixed in one round.
 */
export function readInputs(
  read: InputReader,
): { ok: true; value: ActionInputs } | { ok: false; errors: string[] } {
  const errors: string[] = [];
  const oneOf = <T extends string>(name: string, allowed: readonly T[], dflt: T): T => {
    const v = read(name) || dflt;
    if (!(allowed as readonly string[]).includes(v)) {
      errors.push(`input ${name}: "${v}" is not one of ${allowed.join(', ')}`);
      return dflt;
    }
    return v as T;
  };
  const bool = (name: string, dflt: boolean): boolean => {
    const v = (read(name) || String(dflt)).toLowerCase();
    if (v !== 'true' && v !== 'false') {
      errors.push(`input ${name}: "${v}" must be true or false`);
      return dflt;
    }
    return v === 'true';
  };
  const command = oneOf('command', ['evaluate', 'expire', 'sync'] as const, 'evaluate');
  const token = read('token');
  if (!token)
    errors.push(
      'input token: missing; pass a GitHub App installation token or GITHUB_TOKEN (the token input of the step)',
    );
  const statusContext = read('status-context') || 'jit-access/approval';
  if (statusContext.length > 255) errors.push('input status-context: longer than 255 characters');
  const prText = read('pull-request');
  let pullRequest: number | undefined;
  if (prText) {
    if (!/^[1-9][0-9]{0,9}$/.test(prText))
      errors.push(`input pull-request: "${prText}" is not a pull request number`);
    else pullRequest = Number(prText);
  }
  const ttlText = read('request-ttl') || '72h';
  const ttl = parseDuration(ttlText);
  if (ttl === undefined)
    errors.push(`input request-ttl: "${ttlText}" must look like 72h, 90m or 3d`);
  const budgetText = read('api-budget') || '200';
  if (!/^[1-9][0-9]{0,5}$/.test(budgetText))
    errors.push(`input api-budget: "${budgetText}" must be a whole number from 1 to 999999`);
  const system = read('system');
  if (system && !/^[a-z0-9][a-z0-9-]{0,62}$/.test(system))
    errors.push(`input system: "${system}" is not a system id`);
  const value: ActionInputs = {
    command,
    token,
    statusContext,
    comment: bool('comment', true),
    requestReviews: bool('request-reviews', true),
    merge: oneOf('merge', ['off', 'squash', 'merge'] as const, 'off'),
    basePath: read('base-path') || '.',
    ...(pullRequest !== undefined ? { pullRequest } : {}),
    autoMerge: bool('auto-merge', false),
    requestTtlMs: ttl ?? 72 * 3_600_000,
    apiBudget: Number(budgetText) || 200,
    dryRun: bool('dry-run', false),
    requireProvenance: bool('require-provenance', false),
    ...(system ? { system } : {}),
  };
  return errors.length > 0 ? { ok: false, errors } : { ok: true, value };
}
