import type { Connector, MembershipOp, OpResult } from './connector.js';
import { HttpClient, type HttpOptions, printable } from './http.js';

/** Settings of a SCIM 2.0 target (RFC 7643/7644). The `user` template is applied by the caller. */
export interface ScimConfig {
  /** Base URL of the SCIM service, e.g. `https://idp.example/scim/v2` (from `url_env`). */
  url: string;
  /** Bearer token (from `token_env`). Never printed. */
  token: string;
  /** Retry and timeout tuning; defaults suit production. */
  http?: Pick<HttpOptions, 'timeoutMs' | 'retries' | 'baseDelayMs' | 'maxDelayMs' | 'sleep'>;
}

const PATCH_OP = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';

/**
 * A SCIM filter string literal for `value`: RFC 7644 §3.4.2.2 compValues are JSON strings, so
 * JSON escaping (backslash, double quote, control characters) keeps a hostile value such as
 * `a" or userName pr "` a single literal instead of widening the filter.
 */
export function scimString(value: string): string {
  return JSON.stringify(value);
}

interface GroupEntry {
  id: string;
  memberIds: Set<string>;
}

/**
 * Connector for SCIM groups. Groups are found by exact displayName, users by exact userName;
 * membership changes are PATCH `add` on `members` and PATCH `remove` on
 * `members[value eq "<id>"]`, never a replace. It never creates users or groups.
 * One instance per sync run: group and user lookups are cached for the run.
 */
export class ScimConnector implements Connector {
  readonly type = 'scim';
  private readonly http: HttpClient;
  private readonly groups = new Map<string, Promise<GroupEntry>>();
  private readonly userIds = new Map<string, Promise<string>>();
  private readonly userNames = new Map<string, Promise<string>>();

  constructor(config: ScimConfig) {
    this.http = new HttpClient({
      label: 'scim',
      baseUrl: config.url,
      headers: { authorization: `Bearer ${config.token}`, accept: 'application/scim+json' },
      secrets: [config.token],
      ...config.http,
    });
  }

  /** Total HTTP requests sent by this connector so far. */
  get requests(): number {
    return this.http.requests;
  }

  async listMembers(groups: readonly string[]): Promise<Map<string, Set<string>>> {
    const out = new Map<string, Set<string>>();
    for (const name of groups) {
      try {
        const group = await this.group(name);
        const names = await mapLimit([...group.memberIds], 8, (id) => this.userName(id, name));
        out.set(name, new Set(names));
      } catch (err) {
        throw new Error(`scim: listing members of group "${printable(name)}": ${message(err)}`);
      }
    }
    return out;
  }

  /**
   * Applies membership changes with one PATCH per group and action (up to BATCH members), in
   * the order the plan gives (removals first). A failed batch is retried one member at a time,
   * so one bad member fails only its own operation. RFC 7644 §3.5.2: a PatchOp is atomic.
   */
  async apply(ops: readonly MembershipOp[]): Promise<OpResult[]> {
    const results = new Map<MembershipOp, OpResult>();
    const pending: Array<{
      op: MembershipOp;
      userId: string;
      group: GroupEntry;
      requests: number;
    }> = [];
    for (const op of ops) {
      const before = this.http.requests;
      try {
        const userId = await this.userId(op.member);
        const group = await this.group(op.group);
        const isMember = group.memberIds.has(userId);
        if (op.action === 'add' ? isMember : !isMember) {
          results.set(op, { op, ok: true, changed: false, requests: this.http.requests - before });
        } else {
          pending.push({ op, userId, group, requests: this.http.requests - before });
        }
      } catch (err) {
        results.set(op, this.failure(op, err, this.http.requests - before));
      }
    }
    for (const batch of batches(pending)) {
      const before = this.http.requests;
      try {
        await this.patch(
          batch[0]!.group,
          batch[0]!.op.action,
          batch.map((b) => b.userId),
        );
        batch.forEach((b, k) => {
          const requests = b.requests + (k === 0 ? this.http.requests - before : 0);
          results.set(b.op, { op: b.op, ok: true, changed: true, requests });
        });
      } catch (batchErr) {
        if (batch.length === 1) {
          const b = batch[0]!;
          results.set(b.op, this.failure(b.op, batchErr, b.requests + this.http.requests - before));
          continue;
        }
        let spent = this.http.requests - before;
        for (const b of batch) {
          const one = this.http.requests;
          try {
            await this.patch(b.group, b.op.action, [b.userId]);
            results.set(b.op, {
              op: b.op,
              ok: true,
              changed: true,
              requests: b.requests + spent + this.http.requests - one,
            });
          } catch (err) {
            results.set(
              b.op,
              this.failure(b.op, err, b.requests + spent + this.http.requests - one),
            );
          }
          spent = 0;
        }
      }
    }
    return ops.map((op) => results.get(op)!);
  }

  private failure(op: MembershipOp, err: unknown, requests: number): OpResult {
    const verb = op.action === 'add' ? `adding ${op.member} to` : `removing ${op.member} from`;
    return { op, ok: false, error: `${verb} SCIM group ${op.group}: ${message(err)}`, requests };
  }

  /** One PatchOp: `add` on `members` with every id, or one `remove` per `members[value eq id]`. */
  private async patch(
    group: GroupEntry,
    action: 'add' | 'remove',
    userIds: string[],
  ): Promise<void> {
    const operations =
      action === 'add'
        ? [{ op: 'add', path: 'members', value: userIds.map((value) => ({ value })) }]
        : userIds.map((id) => ({ op: 'remove', path: `members[value eq ${scimString(id)}]` }));
    await this.http.request({
      method: 'PATCH',
      path: `/Groups/${encodeURIComponent(group.id)}`,
      body: { schemas: [PATCH_OP], Operations: operations },
      contentType: 'application/scim+json',
    });
    for (const id of userIds) {
      if (action === 'add') group.memberIds.add(id);
      else group.memberIds.delete(id);
    }
  }

  /** The group with exactly this displayName, with its member ids. Cached per run. */
  private group(displayName: string): Promise<GroupEntry> {
    let p = this.groups.get(displayName);
    if (!p) {
      p = this.findGroup(displayName);
      this.groups.set(displayName, p);
    }
    return p;
  }

  private async findGroup(displayName: string): Promise<GroupEntry> {
    const res = await this.http.request({
      method: 'GET',
      path: '/Groups',
      query: { filter: `displayName eq ${scimString(displayName)}` },
    });
    const found = listResources(res.json, 'GET /Groups');
    // SCIM compares displayName case-insensitively; a case variant is a second candidate, so ambiguous.
    const same = found.filter(
      (g) =>
        typeof g.displayName === 'string' &&
        g.displayName.toLowerCase() === displayName.toLowerCase(),
    );
    const exact = same.filter((g) => g.displayName === displayName);
    if (exact.length === 0) {
      throw new Error(`group "${printable(displayName)}" does not exist in the SCIM server`);
    }
    if (same.length > 1 || found.length > 1) {
      throw new Error(
        `group "${printable(displayName)}" is ambiguous: the SCIM server returned ${found.length} groups for it`,
      );
    }
    const g = exact[0]!;
    if (typeof g.id !== 'string' || g.id === '') throw new Error('SCIM group without id');
    const memberIds = new Set<string>();
    for (const m of Array.isArray(g.members) ? g.members : []) {
      const v = (m as Record<string, unknown>)?.value;
      const type = (m as Record<string, unknown>)?.type;
      if (typeof v !== 'string')
        throw new Error(`group "${printable(displayName)}" has a member without value`);
      if (type !== undefined && type !== 'User') {
        throw new Error(
          `group "${printable(displayName)}" has a member of type ${printable(String(type), 20)} (id ${printable(v, 64)}); jit-access manages user members only, remove it by hand`,
        );
      }
      memberIds.add(v);
    }
    return { id: g.id, memberIds };
  }

  /** The id of the user whose userName is exactly `userName`. Cached per run. */
  private userId(userName: string): Promise<string> {
    let p = this.userIds.get(userName);
    if (!p) {
      p = this.findUser(userName);
      this.userIds.set(userName, p);
    }
    return p;
  }

  private async findUser(userName: string): Promise<string> {
    const res = await this.http.request({
      method: 'GET',
      path: '/Users',
      query: { filter: `userName eq ${scimString(userName)}`, attributes: 'userName' },
    });
    const found = listResources(res.json, 'GET /Users');
    const shown = `"${printable(userName)}"`;
    if (found.length === 0) {
      throw new Error(
        `user ${shown} does not exist in the SCIM server; jit-access never creates users: provision the user first`,
      );
    }
    // Defence in depth: whatever the server made of the filter, accept only one exact match.
    const exact = found.filter((u) => u.userName === userName);
    if (found.length !== 1 || exact.length !== 1) {
      const hint =
        found.length === 1 ? ` (found "${printable(String(found[0]!.userName))}" instead)` : '';
      throw new Error(
        `the SCIM server returned ${found.length} users for userName ${shown}, expected exactly one with that exact userName${hint}`,
      );
    }
    const id = exact[0]!.id;
    if (typeof id !== 'string' || id === '') throw new Error(`SCIM user ${shown} has no id`);
    this.userNames.set(id, Promise.resolve(userName));
    return id;
  }

  /** The userName of the user with this id. Cached per run. */
  private userName(id: string, group: string): Promise<string> {
    let p = this.userNames.get(id);
    if (!p) {
      p = this.fetchUserName(id, group);
      this.userNames.set(id, p);
    }
    return p;
  }

  private async fetchUserName(id: string, group: string): Promise<string> {
    let json: unknown;
    try {
      json = (await this.http.request({ method: 'GET', path: `/Users/${encodeURIComponent(id)}` }))
        .json;
    } catch (err) {
      if ((err as { status?: number }).status === 404) {
        throw new Error(
          `group "${printable(group)}" has member id ${printable(id, 64)} that is not a SCIM user (a nested group?); jit-access manages user members only`,
        );
      }
      throw err;
    }
    const name = (json as Record<string, unknown> | undefined)?.userName;
    if (typeof name !== 'string' || name === '')
      throw new Error(`SCIM user ${printable(id, 64)} has no userName`);
    this.userIds.set(name, Promise.resolve(id));
    return name;
  }
}

/** The `Resources` of a SCIM ListResponse, checked to be objects. */
function listResources(json: unknown, what: string): Record<string, unknown>[] {
  if (!json || typeof json !== 'object') throw new Error(`${what} returned no JSON list`);
  const r = (json as Record<string, unknown>).Resources;
  if (r === undefined) return [];
  if (!Array.isArray(r) || !r.every((x) => x && typeof x === 'object')) {
    throw new Error(`${what} returned a malformed ListResponse`);
  }
  return r as Record<string, unknown>[];
}

function message(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** Maps with at most `limit` calls in flight, keeping order. */
async function mapLimit<T, R>(items: T[], limit: number, fn: (x: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}

/** Members changed by one PATCH at most (a common SCIM server limit on operations per request). */
const BATCH = 50;

/**
 * Consecutive changes of the same group and action, in plan order, at most BATCH each. Plan
 * order is kept across groups, so all removals still happen before any addition.
 */
function batches<T extends { op: MembershipOp; group: GroupEntry }>(items: T[]): T[][] {
  const out: T[][] = [];
  const open = new Map<string, T[]>();
  for (const item of items) {
    const key = `${item.op.action}\u0000${item.group.id}`;
    let batch = open.get(key);
    if (!batch || batch.length >= BATCH) {
      batch = [];
      open.set(key, batch);
      out.push(batch);
    }
    batch.push(item);
  }
  return out;
}
