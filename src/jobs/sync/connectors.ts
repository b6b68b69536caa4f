import type { Policy } from '../../core/model.js';
import type { Connector } from '../../targets/connector.js';
import { GithubTeamConnector } from '../../targets/github-team.js';
import { PostgresConnector } from '../../targets/postgres.js';
import { ScimConnector } from '../../targets/scim.js';
import { WebhookConnector } from '../../targets/webhook.js';

/** Retry and timeout tuning passed to every connector; the defaults suit production. */
export interface ConnectorTuning {
  /** Per-attempt timeout in ms (HTTP) and connect/statement timeout (PostgreSQL). */
  timeoutMs?: number;
  /** HTTP retries after the first attempt. */
  retries?: number;
  baseDelayMs?: number;
  maxDelayMs?: number;
  /** PostgreSQL connection attempts and first backoff step. */
  connectAttempts?: number;
  connectBackoffMs?: number;
}

export type BuiltConnector = { ok: true; connector: Connector } | { ok: false; error: string };

type Env = Readonly<Record<string, string | undefined>>;

/**
 * Builds the connector for a policy's target from the environment variables the policy names
 * (`url_env`, `token_env`, `dsn_env`, `secret_env`; github-team: `token_env` or `GITHUB_TOKEN`,
 * API base from `GITHUB_API_URL`). Secrets never live in the repository (SPEC §3); a missing
 * variable is an error naming the variable and the policy, never a value.
 */
export function buildConnector(
  policy: Policy,
  env: Env,
  tuning: ConnectorTuning = {},
): BuiltConnector {
  const target = policy.target;
  if (!target) return { ok: false, error: `${policy.path} has no target; nothing to sync.` };
  const s = target.settings;
  const missing: string[] = [];
  const read = (field: string, fallback?: string): string => {
    const name = typeof s[field] === 'string' ? (s[field] as string) : fallback;
    if (name === undefined) return '';
    const value = env[name];
    if (value === undefined || value.trim() === '') {
      missing.push(
        s[field] === undefined
          ? `${name} (the default when target.${field} is not set)`
          : `${name} (target.${field})`,
      );
      return '';
    }
    return value;
  };
  const http = {
    ...(tuning.timeoutMs !== undefined ? { timeoutMs: tuning.timeoutMs } : {}),
    ...(tuning.retries !== undefined ? { retries: tuning.retries } : {}),
    ...(tuning.baseDelayMs !== undefined ? { baseDelayMs: tuning.baseDelayMs } : {}),
    ...(tuning.maxDelayMs !== undefined ? { maxDelayMs: tuning.maxDelayMs } : {}),
  };
  const make = (): Connector | undefined => {
    switch (target.type) {
      case 'scim': {
        const url = read('url_env');
        const token = read('token_env');
        return missing.length ? undefined : new ScimConnector({ url, token, http });
      }
      case 'webhook': {
        const url = read('url_env');
        const secret = read('secret_env');
        return missing.length ? undefined : new WebhookConnector({ url, secret, http });
      }
      case 'postgres': {
        const dsn = read('dsn_env');
        if (missing.length) return undefined;
        return new PostgresConnector({
          dsn,
          roles: Object.values(target.mapping),
          ...(tuning.timeoutMs !== undefined ? { timeoutMs: tuning.timeoutMs } : {}),
          ...(tuning.connectAttempts !== undefined
            ? { connectAttempts: tuning.connectAttempts }
            : {}),
          ...(tuning.connectBackoffMs !== undefined
            ? { connectBackoffMs: tuning.connectBackoffMs }
            : {}),
        });
      }
      case 'github-team': {
        const token = read('token_env', 'GITHUB_TOKEN');
        if (missing.length) return undefined;
        const baseUrl = env.GITHUB_API_URL?.trim() || undefined;
        return new GithubTeamConnector({
          org: String(s.org),
          token,
          ...(baseUrl ? { baseUrl } : {}),
          http,
        });
      }
    }
  };
  let connector: Connector | undefined;
  try {
    connector = make();
  } catch (err) {
    // Connector constructors validate URLs and secrets; their messages never carry the values.
    return { ok: false, error: `${policy.path}: ${(err as Error).message}` };
  }
  if (!connector) {
    return {
      ok: false,
      error: `${policy.path}: target ${target.type} needs the environment variable${missing.length > 1 ? 's' : ''} ${missing.join(', ')}, which ${missing.length > 1 ? 'are' : 'is'} not set; set ${missing.length > 1 ? 'them' : 'it'} in the sync job's environment (from secrets).`,
    };
  }
  return { ok: true, connector };
}
