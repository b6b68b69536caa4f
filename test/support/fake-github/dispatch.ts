import type { IncomingMessage } from 'node:http';
import type { BareRepo } from './git.js';
import { GitHubError, type Handler, NotModeled, type Reply, type RouteContext } from './http.js';
import { routes } from './routes/index.js';
import type { Renderer } from './shapes.js';
import { type LoadedSpec, matchOperation, type Operation } from './spec.js';
import type { FakeState, FakeUser } from './state.js';
import { validateRequest, validateResponse } from './validate.js';

/** One request as the fake saw it: count calls per operation with `fake.count(id)`. */
export interface RequestRecord {
  method: string;
  path: string;
  operationId: string | null;
  status: number;
  login: string | null;
}

export type ViolationKind =
  | 'request'
  | 'response'
  | 'unknown-route'
  | 'not-implemented'
  | 'auth'
  | 'wrong-repository'
  | 'fake-error';

/** Something GitHub would not do or accept. Every test should end with none. */
export interface Violation {
  kind: ViolationKind;
  method: string;
  path: string;
  operationId: string | null;
  status: number;
  errors: string[];
}

/** Test hook: may replace the reply of a handled request (before response validation). */
export type ResponseHook = (
  info: { operationId: string; request: RequestRecord },
  reply: Reply,
) => Reply | undefined;

export interface InjectedFailure {
  status: number;
  times?: number;
  message?: string;
  headers?: Record<string, string>;
}

/** What the request pipeline works with; owned by `startFakeGitHub`. */
export interface DispatchEnv {
  spec: LoadedSpec;
  state: FakeState;
  repo: BareRepo;
  render: Renderer;
  baseUrl: string;
  violations: Violation[];
  hooks: Set<ResponseHook>;
  failures: Map<string, InjectedFailure & { times: number }>;
  logViolations: boolean;
}

const DOCS = 'https://docs.github.com/rest';

/** GitHub's error body: `message`, `documentation_url`, `status` (and `errors` on 422). */
export function errorReply(
  status: number,
  message: string,
  docs = DOCS,
  errors?: unknown[],
): Reply {
  return {
    status,
    body: {
      message,
      documentation_url: docs,
      status: String(status),
      ...(errors ? { errors } : {}),
    },
  };
}

/** Ends the pipeline early with a reply. */
class Stop {
  constructor(readonly reply: Reply) {}
}

interface Step {
  env: DispatchEnv;
  record: RequestRecord;
  operation?: Operation;
  docs: string;
}

function violate(step: Step, kind: ViolationKind, status: number, errors: string[]): void {
  const { env, record } = step;
  env.violations.push({
    kind,
    method: record.method,
    path: record.path,
    operationId: step.operation?.operationId ?? null,
    status,
    errors,
  });
  // Loud even when the code under test swallows the error it got back.
  if (env.logViolations) {
    console.warn(
      `[fake-github] ${kind} violation: ${record.method} ${record.path}: ${errors.join('; ')}`,
    );
  }
}

function reject(
  step: Step,
  kind: ViolationKind,
  status: number,
  errors: string[],
  message: string,
): Stop {
  violate(step, kind, status, errors);
  return new Stop(errorReply(status, message, step.docs));
}

function route(step: Step, pathname: string): { handler: Handler; params: Record<string, string> } {
  const match = matchOperation(step.env.spec, step.record.method, pathname);
  if (match.kind !== 'found') {
    const near =
      match.kind === 'method-not-allowed' ? ` (path of ${match.operation.operationId})` : '';
    throw reject(
      step,
      'unknown-route',
      404,
      [`no GitHub operation for ${step.record.method} ${pathname}${near}`],
      'Not Found',
    );
  }
  step.operation = match.operation;
  step.record.operationId = match.operation.operationId;
  step.docs = match.operation.spec.externalDocs?.url ?? DOCS;
  const handler = routes[match.operation.operationId];
  if (!handler) {
    throw reject(
      step,
      'not-implemented',
      404,
      [`fake-github does not implement ${match.operation.operationId}`],
      'Not Found',
    );
  }
  return { handler, params: match.params };
}

/** `Authorization: token X` or `Bearer X`, mapped to a user of the fake. */
function authenticate(step: Step, req: IncomingMessage): FakeUser {
  const token = /^(?:token|bearer) (.+)$/i.exec(String(req.headers.authorization ?? ''))?.[1];
  const identity = token ? step.env.state.userByToken(token.trim()) : undefined;
  if (!identity) {
    const message = token ? 'Bad credentials' : 'Requires authentication';
    throw reject(step, 'auth', 401, [message], message);
  }
  step.record.login = identity.login;
  return identity;
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

/** Parses and validates path, query and body; bad path params are 404 on GitHub, the rest 422. */
function checkRequest(step: Step, url: URL, params: Record<string, string>, raw: Buffer) {
  let body: unknown;
  if (raw.length > 0) {
    try {
      body = JSON.parse(raw.toString('utf8'));
    } catch {
      throw reject(step, 'request', 400, ['body is not JSON'], 'Problems parsing JSON');
    }
  }
  const query = Object.fromEntries(url.searchParams);
  const checked = validateRequest(step.operation!, {
    path: params,
    query,
    body,
    hasBody: raw.length > 0,
  });
  if (checked.errors.length > 0) {
    const messages = checked.errors.map((e) => e.message);
    const onPath = checked.errors.some((e) => e.in === 'path');
    const message = onPath ? 'Not Found' : `Invalid request.\n\n${messages.join('\n')}`;
    throw reject(step, 'request', onPath ? 404 : 422, messages, message);
  }
  const { state } = step.env;
  const { owner, repo, org } = checked.path as Record<string, string | undefined>;
  const same = (a: string | undefined, b: string) =>
    a === undefined || a.toLowerCase() === b.toLowerCase();
  if (!same(owner, state.owner) || !same(repo, state.repo) || !same(org, state.owner)) {
    throw reject(
      step,
      'wrong-repository',
      404,
      [`the fake serves ${state.owner}/${state.repo} only`],
      'Not Found',
    );
  }
  return { ...checked, body };
}

async function runHandler(step: Step, handler: Handler, ctx: RouteContext): Promise<Reply> {
  const failure = step.env.failures.get(ctx.operationId);
  if (failure && failure.times > 0) {
    failure.times -= 1;
    const reply = errorReply(failure.status, failure.message ?? 'Injected failure', step.docs);
    return { ...reply, headers: failure.headers ?? {} };
  }
  try {
    return await handler(ctx);
  } catch (error) {
    if (error instanceof GitHubError)
      return errorReply(error.status, error.message, step.docs, error.errors);
    if (error instanceof NotModeled) {
      throw reject(step, 'not-implemented', 501, [error.message], `fake-github: ${error.message}`);
    }
    const e = error as Error;
    throw reject(
      step,
      'fake-error',
      500,
      [String(e?.stack ?? e)],
      `fake-github failed: ${e?.message ?? e}`,
    );
  }
}

/** Validates exactly what JSON will carry; a wrong reply becomes a 502 and a violation. */
function checkResponse(step: Step, reply: Reply): Reply {
  if (reply.raw) return reply;
  const sent = reply.body === undefined ? undefined : JSON.parse(JSON.stringify(reply.body));
  const problems = validateResponse(step.operation!, reply.status, sent);
  if (problems.length > 0) {
    const message = `fake-github answered against GitHub's OpenAPI description: ${problems.join('; ')}`;
    violate(step, 'response', reply.status, problems);
    return errorReply(502, message, step.docs);
  }
  return { ...reply, body: sent };
}

/** The request pipeline: route, authenticate, validate, handle, validate the response. */
export async function dispatch(
  env: DispatchEnv,
  req: IncomingMessage,
  record: RequestRecord,
): Promise<Reply> {
  const step: Step = { env, record, docs: DOCS };
  try {
    const url = new URL(req.url ?? '/', env.baseUrl);
    const raw = await readBody(req);
    const { handler, params } = route(step, url.pathname);
    const identity = authenticate(step, req);
    const checked = checkRequest(step, url, params, raw);
    const ctx: RouteContext = {
      operationId: record.operationId!,
      params: checked.path,
      query: checked.query,
      body: checked.body,
      headers: req.headers,
      identity,
      state: env.state,
      git: env.repo,
      render: env.render,
      url,
    };
    let reply = await runHandler(step, handler, ctx);
    for (const hook of env.hooks)
      reply = hook({ operationId: ctx.operationId, request: record }, reply) ?? reply;
    return checkResponse(step, reply);
  } catch (error) {
    if (error instanceof Stop) return error.reply;
    throw error;
  }
}
