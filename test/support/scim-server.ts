/**
 * A real, in-memory SCIM 2.0 server for connector tests: scimmy (RFC 7643/7644 resources,
 * filters, PatchOp) behind scimmy-routers on express 5, bearer auth, listening on 127.0.0.1.
 *
 * SCIMMY declares resource handlers globally, so the handlers are registered once per process
 * and find the state of the right server through the router's per-request context.
 */
import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import express from 'express';
import SCIMMY from 'scimmy';
import SCIMMYRouters from 'scimmy-routers';

interface Member {
  value: string;
  display?: string;
  type?: string;
}

interface Store {
  users: Map<string, { id: string; userName: string }>;
  groups: Map<string, { id: string; displayName: string; members: Member[] }>;
  ignoreFilter: boolean;
}

export interface ScimServerOptions {
  token: string;
  users: string[];
  groups: string[];
  /** Simulates a broken server that ignores `filter` and returns every resource. */
  ignoreFilter?: boolean;
}

export interface RecordedRequest {
  method: string;
  path: string;
  query: Record<string, unknown>;
  body: unknown;
}

export interface ScimServer {
  /** Base URL, e.g. `http://127.0.0.1:PORT/scim/v2`. */
  url: string;
  close(): Promise<void>;
  /** userNames of the group's members (from the store, not via HTTP). */
  members(displayName: string): string[];
  addMemberByHand(group: string, userName: string): void;
  /** The next `count` requests (optionally only those with `method`) answer `status`. */
  failNext(status: number, count: number, opts?: { method?: string; retryAfter?: string }): void;
  /** Every request that reached the server (including failed and unauthorised ones). */
  requests: RecordedRequest[];
  /** Id of a user by userName (for assertions). */
  userId(userName: string): string;
}

const clone = <T>(x: T): T => structuredClone(x);
let declared = false;

/** Registers the global SCIMMY handlers once; they dispatch to the store passed as context. */
function declareOnce(): void {
  if (declared) return;
  declared = true;
  const select = <T>(
    resource: { id?: string; filter?: { match(v: T[]): T[] } },
    all: T[],
    s: Store,
    kind: string,
  ) => {
    if (resource.id !== undefined) {
      const hit = all.find((x) => (x as { id: string }).id === resource.id);
      if (!hit) throw new SCIMMY.Types.Error(404, null!, `${kind} ${resource.id} not found`);
      return clone(hit);
    }
    const list = resource.filter && !s.ignoreFilter ? resource.filter.match(all) : all;
    return clone(list);
  };
  SCIMMY.Resources.declare(SCIMMY.Resources.User)
    .egress(
      (resource, ctx: Store) => select(resource, [...ctx.users.values()], ctx, 'User') as never,
    )
    .ingress(() => {
      throw new SCIMMY.Types.Error(403, null!, 'this test server does not create or change users');
    })
    .degress(() => {
      throw new SCIMMY.Types.Error(403, null!, 'this test server does not delete users');
    });
  // Like the directories the project met: a group without members has no `members` at all.
  const view = (g: Store['groups'] extends Map<string, infer G> ? G : never) =>
    g.members.length > 0 ? g : { id: g.id, displayName: g.displayName };
  SCIMMY.Resources.declare(SCIMMY.Resources.Group)
    .egress(
      (resource, ctx: Store) =>
        select(resource, [...ctx.groups.values()].map(view), ctx, 'Group') as never,
    )
    .ingress((resource, instance, ctx: Store) => {
      const group = resource.id !== undefined ? ctx.groups.get(resource.id) : undefined;
      if (!group)
        throw new SCIMMY.Types.Error(403, null!, 'this test server does not create groups');
      const members: Member[] = [];
      for (const m of ((instance as { members?: Member[] }).members ?? []) as Member[]) {
        const user = ctx.users.get(m.value);
        if (!user) throw new SCIMMY.Types.Error(400, 'invalidValue', `no user with id ${m.value}`);
        members.push({ value: m.value, display: user.userName, type: 'User' });
      }
      group.members = members;
      return clone(group) as never;
    })
    .degress(() => {
      throw new SCIMMY.Types.Error(403, null!, 'this test server does not delete groups');
    });
}

/** Starts the server on a free loopback port. */
export async function startScimServer(options: ScimServerOptions): Promise<ScimServer> {
  declareOnce();
  const store: Store = {
    users: new Map(),
    groups: new Map(),
    ignoreFilter: options.ignoreFilter ?? false,
  };
  for (const userName of options.users) {
    const id = randomUUID();
    store.users.set(id, { id, userName });
  }
  for (const displayName of options.groups) {
    const id = randomUUID();
    store.groups.set(id, { id, displayName, members: [] });
  }
  const failures: { status: number; method?: string; retryAfter?: string }[] = [];
  const requests: RecordedRequest[] = [];

  const app = express();
  app.use(express.json({ type: ['application/scim+json', 'application/json'] }));
  app.use((req, res, next) => {
    requests.push({ method: req.method, path: req.path, query: { ...req.query }, body: req.body });
    const i = failures.findIndex((f) => f.method === undefined || f.method === req.method);
    if (i < 0) return next();
    const [f] = failures.splice(i, 1);
    if (f!.retryAfter !== undefined) res.set('retry-after', f!.retryAfter);
    res
      .status(f!.status)
      .type('application/scim+json')
      .json({
        schemas: ['urn:ietf:params:scim:api:messages:2.0:Error'],
        status: String(f!.status),
        detail: 'injected failure',
      });
  });
  app.use(
    '/scim/v2',
    new SCIMMYRouters({
      type: 'bearer',
      handler: (req) => {
        if (req.header('authorization') !== `Bearer ${options.token}`) throw new Error('Bad token');
        return 'jit-access';
      },
      context: () => store,
    }) as unknown as express.Router,
  );

  const server = app.listen(0, '127.0.0.1');
  await new Promise<void>((resolve, reject) => {
    server.once('listening', resolve);
    server.once('error', reject);
  });
  const { port } = server.address() as AddressInfo;

  const groupByName = (displayName: string) => {
    const g = [...store.groups.values()].find((x) => x.displayName === displayName);
    if (!g) throw new Error(`test SCIM server: no group ${displayName}`);
    return g;
  };
  const userId = (userName: string) => {
    const u = [...store.users.values()].find((x) => x.userName === userName);
    if (!u) throw new Error(`test SCIM server: no user ${userName}`);
    return u.id;
  };

  return {
    url: `http://127.0.0.1:${port}/scim/v2`,
    requests,
    userId,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
    members: (displayName) =>
      groupByName(displayName).members.map(
        (m) => store.users.get(m.value)?.userName ?? `?${m.value}`,
      ),
    addMemberByHand: (group, userName) => {
      const g = groupByName(group);
      const id = userId(userName);
      if (!g.members.some((m) => m.value === id))
        g.members.push({ value: id, display: userName, type: 'User' });
    },
    failNext: (status, count, opts = {}) => {
      for (let i = 0; i < count; i++) failures.push({ status, ...opts });
    },
  };
}
