import { Octokit } from '@octokit/rest';
import type { Connector, MembershipOp, OpResult } from './connector.js';
import {
  checkTargetUrl,
  describeFetchError,
  isRetryableStatus,
  parseRetryAfter,
  printable,
  redact,
  retryDelay,
} from './http.js';

/** Settings of a GitHub team target. Teams are given by slug; members are GitHub logins. */
export interface GithubTeamConfig {
  org: string;
  /** Token with `admin:org` (or a GitHub App with members:write). Never printed. */
  token: string;
  /** REST API base (default https://api.github.com; GHES: https://HOST/api/v3). */
  baseUrl?: string;
  http?: {
    timeoutMs?: number;
    retries?: number;
    baseDelayMs?: number;
    maxDelayMs?: number;
    sleep?: (ms: number) => Promise<void>;
  };
}

const LOGIN = /^[A-Za-z0-9](?:[A-Za-z0-9]|-(?=[A-Za-z0-9])){0,38}$/;

interface Status {
  status?: number;
  response?: { headers?: Record<string, string | undefined> };
}

/**
 * Connector for GitHub organisation teams. Adds only people who are already active members of
 * the organisation, always with role `member` (never maintainer), and never touches someone
 * already on the team (a maintainer is not demoted). Logins compare case-insensitively.
 * One instance per sync run: team member lists are cached for the run.
 */
export class GithubTeamConnector implements Connector {
  readonly type = 'github-team';
  /** Total HTTP requests sent so far (each retry counts). */
  requests = 0;
  private readonly octokit: Octokit;
  private readonly org: string;
  /** team slug → lower-cased logins, filled by listMembers and kept current by apply. */
  private readonly teams = new Map<string, Set<string>>();

  constructor(config: GithubTeamConfig) {
    const baseUrl = (config.baseUrl ?? 'https://api.github.com').replace(/\/$/, '');
    checkTargetUrl('github-team', baseUrl);
    this.org = config.org;
    const timeoutMs = config.http?.timeoutMs ?? 10_000;
    const retry = {
      retries: config.http?.retries ?? 4,
      baseDelayMs: config.http?.baseDelayMs ?? 250,
      maxDelayMs: config.http?.maxDelayMs ?? 30_000,
      random: Math.random,
      sleep: config.http?.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms))),
    };
    this.octokit = new Octokit({
      auth: config.token,
      baseUrl,
      userAgent: 'jit-access',
      log: { debug() {}, info() {}, warn() {}, error() {} },
      request: {
        // No redirects (a 3xx could carry the token elsewhere) and a timeout per attempt.
        fetch: (url: string, init: RequestInit) =>
          fetch(url, {
            ...init,
            redirect: 'error',
            signal: init.signal
              ? AbortSignal.any([init.signal, AbortSignal.timeout(timeoutMs)])
              : AbortSignal.timeout(timeoutMs),
          }),
      },
    });
    const secrets = [config.token];
    this.octokit.hook.wrap('request', async (request, options) => {
      const { method, url } = this.octokit.request.endpoint.parse(options as never);
      const where = `${method} ${new URL(url).pathname}`;
      for (let attempt = 0; ; attempt++) {
        this.requests++;
        try {
          return await request(options);
        } catch (err) {
          const e = err as Status;
          const reached = e.response !== undefined;
          const status = reached ? e.status : undefined;
          const last = attempt >= retry.retries;
          const retryable = status === undefined || isRetryableStatus(status);
          // A rate-limit 403 carries retry-after or x-ratelimit-remaining: 0.
          const limited =
            status === 403 &&
            (e.response?.headers?.['retry-after'] !== undefined ||
              e.response?.headers?.['x-ratelimit-remaining'] === '0');
          const reason =
            status !== undefined
              ? `HTTP ${status}`
              : describeFetchError((err as { cause?: unknown }).cause ?? err, timeoutMs);
          if (last || !(retryable || limited) || reason.includes('redirect')) {
            throw Object.assign(new Error(redact(`${where} failed: ${reason}`, secrets)), {
              status,
            });
          }
          const ra = parseRetryAfter(e.response?.headers?.['retry-after'] ?? null, Date.now());
          await retry.sleep(retryDelay(attempt, retry, ra));
        }
      }
    });
  }

  async listMembers(teams: readonly string[]): Promise<Map<string, Set<string>>> {
    const out = new Map<string, Set<string>>();
    for (const slug of teams) {
      let logins: string[];
      try {
        const members = await this.octokit.paginate(this.octokit.rest.teams.listMembersInOrg, {
          org: this.org,
          team_slug: slug,
          role: 'all',
          per_page: 100,
        });
        logins = members.map((m) => m.login);
      } catch (err) {
        const hint =
          statusOf(err) === 404 ? ` (does team "${printable(slug)}" exist in ${this.org}?)` : '';
        throw new Error(
          `github-team: listing members of team "${printable(slug)}": ${message(err)}${hint}`,
        );
      }
      this.teams.set(slug, new Set(logins.map((l) => l.toLowerCase())));
      out.set(slug, new Set(logins));
    }
    return out;
  }

  async apply(ops: readonly MembershipOp[]): Promise<OpResult[]> {
    const results: OpResult[] = [];
    for (const op of ops) {
      const before = this.requests;
      try {
        const changed =
          op.action === 'add'
            ? await this.add(op.group, op.member)
            : await this.remove(op.group, op.member);
        results.push({ op, ok: true, changed, requests: this.requests - before });
      } catch (err) {
        const verb = op.action === 'add' ? `adding ${op.member} to` : `removing ${op.member} from`;
        const error = `${verb} GitHub team ${this.org}/${op.group}: ${message(err)}`;
        results.push({ op, ok: false, error, requests: this.requests - before });
      }
    }
    return results;
  }

  private async add(slug: string, login: string): Promise<boolean> {
    checkLogin(login);
    const cached = this.teams.get(slug);
    if (cached?.has(login.toLowerCase())) return false;
    // Only active organisation members: a PUT for anyone else would send an org invitation.
    let state: string | undefined;
    try {
      const { data } = await this.octokit.rest.orgs.getMembershipForUser({
        org: this.org,
        username: login,
      });
      state = data.state;
    } catch (err) {
      if (statusOf(err) !== 404) throw err;
    }
    if (state !== 'active') {
      throw new Error(
        `${login} is not an active member of the organisation ${this.org}${state ? ` (membership ${state})` : ''}; jit-access adds only existing members`,
      );
    }
    if (!cached) {
      // Without a list from this run, ask: a present member (maybe a maintainer) stays as is.
      try {
        await this.octokit.rest.teams.getMembershipForUserInOrg({
          org: this.org,
          team_slug: slug,
          username: login,
        });
        return false;
      } catch (err) {
        if (statusOf(err) !== 404) throw err;
      }
    }
    await this.octokit.rest.teams.addOrUpdateMembershipForUserInOrg({
      org: this.org,
      team_slug: slug,
      username: login,
      role: 'member',
    });
    cached?.add(login.toLowerCase());
    return true;
  }

  private async remove(slug: string, login: string): Promise<boolean> {
    checkLogin(login);
    const cached = this.teams.get(slug);
    if (cached && !cached.has(login.toLowerCase())) return false;
    try {
      await this.octokit.rest.teams.removeMembershipForUserInOrg({
        org: this.org,
        team_slug: slug,
        username: login,
      });
    } catch (err) {
      if (statusOf(err) === 404 && !cached) return false;
      throw err;
    }
    cached?.delete(login.toLowerCase());
    return true;
  }
}

function checkLogin(login: string): void {
  if (!LOGIN.test(login)) throw new Error(`"${printable(login, 60)}" is not a valid GitHub login`);
}

function statusOf(err: unknown): number | undefined {
  return (err as { status?: number })?.status;
}

function message(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
