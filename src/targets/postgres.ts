import pg from 'pg';
import type { Connector, MembershipOp, OpResult } from './connector.js';
import { printable, redact } from './http.js';

/** Settings of a PostgreSQL target. The `user` template is applied by the caller. */
export interface PostgresConfig {
  /** Connection string (from `dsn_env`). Never printed. */
  dsn: string;
  /**
   * The group roles this target manages: the values of the policy's `roles` mapping. Any other
   * group role is refused, so a bad plan can never touch a role jit-access was not given.
   */
  roles: readonly string[];
  /** Connection attempts before giving up (default 3), with exponential backoff from 250 ms. */
  connectAttempts?: number;
  connectBackoffMs?: number;
  /** Per-connect and per-statement timeout in ms (default 10 000). */
  timeoutMs?: number;
}

/** PostgreSQL's NAMEDATALEN - 1: longer names are silently truncated by the server. */
export const MAX_IDENTIFIER_BYTES = 63;

/**
 * Quotes an SQL identifier: doubles `"` and wraps it in `"`. Refuses what quoting cannot make
 * safe: an empty name, NUL, an unpaired surrogate (not valid UTF-8), and names over 63 bytes,
 * which the server would truncate into a possibly different, existing role.
 */
export function quoteIdent(name: string): string {
  if (name === '') throw new Error('an empty role name is refused');
  if (name.includes('\u0000')) throw new Error('a role name containing NUL is refused');
  if (/\p{Cs}/u.test(name)) throw new Error('a role name that is not valid UTF-8 is refused');
  const bytes = Buffer.byteLength(name, 'utf8');
  if (bytes > MAX_IDENTIFIER_BYTES) {
    throw new Error(
      `role name "${printable(name, 80)}" is ${bytes} bytes; PostgreSQL allows at most ${MAX_IDENTIFIER_BYTES}`,
    );
  }
  return `"${name.replaceAll('"', '""')}"`;
}

const LIST_SQL = `SELECT g.rolname AS grp, m.rolname AS member
  FROM pg_roles g
  LEFT JOIN pg_auth_members am ON am.roleid = g.oid
  LEFT JOIN pg_roles m ON m.oid = am.member
  WHERE g.rolname = ANY($1::name[])`;

const STATE_SQL = `SELECT
  EXISTS (SELECT 1 FROM pg_roles WHERE rolname = $1) AS group_exists,
  EXISTS (SELECT 1 FROM pg_roles WHERE rolname = $2) AS member_exists,
  EXISTS (SELECT 1 FROM pg_auth_members am
            JOIN pg_roles g ON g.oid = am.roleid
            JOIN pg_roles m ON m.oid = am.member
           WHERE g.rolname = $1 AND m.rolname = $2) AS is_member`;

interface State {
  group_exists: boolean;
  member_exists: boolean;
  is_member: boolean;
}

/**
 * Connector for PostgreSQL role membership: `GRANT "group" TO "member"` and
 * `REVOKE "group" FROM "member"`, identifiers quoted. It never creates, alters or drops roles and
 * never grants ADMIN OPTION. Each call opens one connection and closes it, so nothing stays open.
 */
export class PostgresConnector implements Connector {
  readonly type = 'postgres';
  private readonly managed: ReadonlySet<string>;
  private readonly secrets: string[];

  constructor(private readonly config: PostgresConfig) {
    this.managed = new Set(config.roles);
    this.secrets = dsnSecrets(config.dsn);
  }

  async listMembers(groups: readonly string[]): Promise<Map<string, Set<string>>> {
    let client: pg.Client | undefined;
    try {
      for (const g of groups) {
        this.checkManaged(g);
        quoteIdent(g); // refuses names the server would truncate when cast to `name`
      }
      client = await this.connect();
      const { rows } = await client.query<{ grp: string; member: string | null }>(LIST_SQL, [
        [...groups],
      ]);
      const out = new Map<string, Set<string>>();
      for (const r of rows) {
        const set = out.get(r.grp) ?? new Set<string>();
        if (r.member !== null) set.add(r.member);
        out.set(r.grp, set);
      }
      const missing = groups.filter((g) => !out.has(g));
      if (missing.length > 0) {
        throw new Error(
          `role ${missing.map((m) => `"${printable(m)}"`).join(', ')} does not exist; the DBA creates the roles, jit-access never does`,
        );
      }
      return out;
    } catch (err) {
      throw new Error(`postgres: listing role members: ${this.clean(err)}`);
    } finally {
      await client?.end().catch(() => {});
    }
  }

  async apply(ops: readonly MembershipOp[]): Promise<OpResult[]> {
    if (ops.length === 0) return [];
    let client: pg.Client;
    try {
      client = await this.connect();
    } catch (err) {
      const error = `postgres: ${this.clean(err)}`;
      return ops.map((op) => ({ op, ok: false, error: `${describe(op)}: ${error}`, requests: 0 }));
    }
    const results: OpResult[] = [];
    try {
      for (const op of ops) {
        const counter = { n: 0 };
        try {
          const changed = await this.applyOne(client, op, counter);
          results.push({ op, ok: true, changed, requests: counter.n });
        } catch (err) {
          const error = `${describe(op)}: ${this.clean(err)}`;
          results.push({ op, ok: false, error, requests: counter.n });
        }
      }
    } finally {
      await client.end().catch(() => {});
    }
    return results;
  }

  private async applyOne(
    client: pg.Client,
    op: MembershipOp,
    counter: { n: number },
  ): Promise<boolean> {
    this.checkManaged(op.group);
    // Quote both before any SQL runs, so a refused name costs no request, and so no over-long
    // name reaches STATE_SQL, where the cast to `name` would truncate it into another role.
    const group = quoteIdent(op.group);
    const member = quoteIdent(op.member);
    const query = async <R extends pg.QueryResultRow>(sql: string, params?: unknown[]) => {
      counter.n++;
      return (await client.query<R>(sql, params)).rows;
    };
    const [state] = await query<State>(STATE_SQL, [op.group, op.member]);
    if (!state!.group_exists) {
      throw new Error(
        `role "${printable(op.group)}" does not exist; the DBA creates the roles, jit-access never does`,
      );
    }
    if (!state!.member_exists) {
      throw new Error(
        `member role "${printable(op.member)}" does not exist; jit-access never creates roles: ask the DBA to create it`,
      );
    }
    if (op.action === 'add') {
      if (state!.is_member) return false;
      await query(`GRANT ${group} TO ${member}`);
      return true;
    }
    if (!state!.is_member) return false;
    await query(`REVOKE ${group} FROM ${member}`);
    // REVOKE only removes what the current role granted (PostgreSQL 16+ keeps grants by others
    // and only warns): check, so a sync never reports a removal that did not happen.
    const [after] = await query<State>(STATE_SQL, [op.group, op.member]);
    if (after!.is_member) {
      throw new Error(
        'REVOKE left the membership in place (granted by another role?); remove it by hand',
      );
    }
    return true;
  }

  private checkManaged(group: string): void {
    if (!this.managed.has(group)) {
      throw new Error(
        `role "${printable(group)}" is not in this target's roles mapping; refusing to touch it`,
      );
    }
  }

  /** Connects with retries and backoff; the client is closed by the caller. */
  private async connect(): Promise<pg.Client> {
    const attempts = this.config.connectAttempts ?? 3;
    const backoff = this.config.connectBackoffMs ?? 250;
    const timeout = this.config.timeoutMs ?? 10_000;
    for (let i = 1; ; i++) {
      const client = new pg.Client({
        connectionString: this.config.dsn,
        connectionTimeoutMillis: timeout,
        statement_timeout: timeout,
        query_timeout: timeout + 1000,
        application_name: 'jit-access',
      });
      // An idle connection dropped by the server must not crash the process.
      client.on('error', () => {});
      try {
        await client.connect();
        return client;
      } catch (err) {
        await client.end().catch(() => {});
        if (i >= attempts) throw new Error(`connecting to the database failed: ${this.clean(err)}`);
        await new Promise((r) => setTimeout(r, backoff * 2 ** (i - 1)));
      }
    }
  }

  /** A secret-free message for an error: pg's text and SQLSTATE, DSN and password redacted. */
  private clean(err: unknown): string {
    const e = err as { message?: unknown; code?: unknown };
    const text = typeof e?.message === 'string' && e.message !== '' ? e.message : 'unknown error';
    const code =
      typeof e?.code === 'string' && /^[0-9A-Z]{5}$/.test(e.code) ? ` (SQLSTATE ${e.code})` : '';
    return printable(redact(text, this.secrets), 300) + code;
  }
}

function describe(op: MembershipOp): string {
  return op.action === 'add'
    ? `granting ${printable(op.group)} to ${printable(op.member)}`
    : `revoking ${printable(op.group)} from ${printable(op.member)}`;
}

/** The DSN itself and its password (raw and decoded), for redaction. */
function dsnSecrets(dsn: string): string[] {
  const out = [dsn];
  try {
    const u = new URL(dsn);
    if (u.password) out.push(u.password, decodeURIComponent(u.password));
    const qp = u.searchParams.get('password');
    if (qp) out.push(qp);
  } catch {
    // key=value form: redact the password value.
    const m = /password\s*=\s*('(?:[^'\\]|\\.)*'|\S+)/.exec(dsn);
    if (m) out.push(m[1]!, m[1]!.replace(/^'|'$/g, ''));
  }
  return out;
}
