import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BareRepo, runGit } from './git.js';
import { GitHubError, NotModeled, type Reply, type RouteContext } from './http.js';
import { routes } from './routes/index.js';
import { Renderer } from './shapes.js';
import { loadSpec, matchOperation, type Operation } from './spec.js';
import { FakeState, type FakeUser, type FileSpec } from './state.js';
import { validateRequest, validateResponse } from './validate.js';

export interface FakeGitHubOptions {
  /** Organization owning the repository (default `acme`). */
  owner?: string;
  /** Repository name (default `access`). */
  repo?: string;
  defaultBranch?: string;
  /** The GitHub App's slug; its bot is `<slug>[bot]` (default `jit-access`). */
  appSlug?: string;
  /** Clock for every timestamp the fake writes (default: real time). */
  now?: () => Date;
  /** Base of `html_url`s (default `https://github.com`). */
  htmlUrl?: string;
  /** Files of an initial commit on the default branch. */
  files?: Record<string, FileSpec>;
  /** Print each violation with console.warn as it happens (default true). */
  logViolations?: boolean;
}

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

export interface FakeGitHub {
  /** Base URL: Octokit `baseUrl` and `GITHUB_API_URL`. */
  url: string;
  state: FakeState;
  /** The bare repository backing the fake repository. */
  repo: BareRepo;
  /** Renders state as GitHub JSON (used by the event payload builders). */
  render: Renderer;
  gitDir: string;
  /** Token and login of the GitHub App's bot (`jit-access[bot]`). */
  appToken: string;
  appLogin: string;
  /** Token of `github-actions[bot]` (a workflow's GITHUB_TOKEN). */
  actionsToken: string;
  tokenFor(login: string): string;
  requests: RequestRecord[];
  violations: Violation[];
  /** Number of requests answered for an operationId. */
  count(operationId: string): number;
  /** Checks out `branch` (default branch by default) of the bare repository into `dir`. */
  clone(dir: string, branch?: string): Promise<void>;
  readFile(ref: string, path: string): Promise<string | null>;
  onResponse(hook: ResponseHook): () => void;
  /** Makes the next `times` calls of an operation fail with `status` (rate limits, 5xx). */
  injectFailure(operationId: string, failure: InjectedFailure): void;
  close(): Promise<void>;
}

const DOCS = 'https://docs.github.com/rest';

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

function errorReply(
  status: number,
  message: string,
  documentationUrl = DOCS,
  errors?: unknown[],
): Reply {
  return {
    status,
    body: {
      message,
      documentation_url: documentationUrl,
      status: String(status),
      ...(errors ? { errors } : {}),
    },
  };
}

/** Starts the fake on 127.0.0.1 with a random port and a fresh bare repository. */
export async function startFakeGitHub(options: FakeGitHubOptions = {}): Promise<FakeGitHub> {
  const spec = loadSpec();
  const tmp = await mkdtemp(join(tmpdir(), 'fake-github-'));
  const gitDir = join(tmp, 'repo.git');
  const defaultBranch = options.defaultBranch ?? 'main';
  const repo = await BareRepo.init(gitDir, defaultBranch);
  const state = new FakeState(repo, {
    owner: options.owner ?? 'acme',
    repo: options.repo ?? 'access',
    defaultBranch,
    now: options.now ?? (() => new Date()),
  });
  const appSlug = options.appSlug ?? 'jit-access';
  const app = state.addUser(`${appSlug}[bot]`, {
    id: 100000001,
    type: 'Bot',
    token: `ghs_fake_${appSlug}`,
  });
  const actions = state.addUser('github-actions[bot]', {
    id: 41898282,
    type: 'Bot',
    token: 'ghs_fake_github_token',
  });
  if (options.files) {
    await state.commitFiles({
      branch: defaultBranch,
      files: options.files,
      message: 'Initial commit',
    });
  }

  const requests: RequestRecord[] = [];
  const violations: Violation[] = [];
  const hooks = new Set<ResponseHook>();
  const failures = new Map<string, InjectedFailure & { times: number }>();
  let render: Renderer;
  let url = '';

  const dispatch = async (req: IncomingMessage, record: RequestRecord): Promise<Reply> => {
    const requestUrl = new URL(req.url ?? '/', url);
    const violate = (
      kind: ViolationKind,
      status: number,
      errors: string[],
      operation?: Operation,
    ) => {
      violations.push({
        kind,
        method: record.method,
        path: record.path,
        operationId: operation?.operationId ?? null,
        status,
        errors,
      });
      // Loud even when the code under test swallows the error it got back.
      if (options.logViolations !== false) {
        console.warn(
          `[fake-github] ${kind} violation: ${record.method} ${record.path}: ${errors.join('; ')}`,
        );
      }
    };
    const raw = await readBody(req);
    const match = matchOperation(spec, record.method, requestUrl.pathname);
    if (match.kind !== 'found') {
      const known =
        match.kind === 'method-not-allowed' ? ` (path of ${match.operation.operationId})` : '';
      violate('unknown-route', 404, [
        `no GitHub operation for ${record.method} ${requestUrl.pathname}${known}`,
      ]);
      return errorReply(404, 'Not Found');
    }
    const { operation } = match;
    record.operationId = operation.operationId;
    const docs = operation.spec.externalDocs?.url ?? DOCS;
    const handler = routes[operation.operationId];
    if (!handler) {
      violate(
        'not-implemented',
        404,
        [`fake-github does not implement ${operation.operationId}`],
        operation,
      );
      return errorReply(404, 'Not Found', docs);
    }
    const auth = /^(?:token|bearer) (.+)$/i.exec(String(req.headers.authorization ?? ''))?.[1];
    const identity: FakeUser | undefined = auth ? state.userByToken(auth.trim()) : undefined;
    if (!identity) {
      const message = auth ? 'Bad credentials' : 'Requires authentication';
      violate('auth', 401, [message], operation);
      return errorReply(401, message, docs);
    }
    record.login = identity.login;
    let body: unknown;
    if (raw.length > 0) {
      try {
        body = JSON.parse(raw.toString('utf8'));
      } catch {
        violate('request', 400, ['body is not JSON'], operation);
        return errorReply(400, 'Problems parsing JSON', docs);
      }
    }
    const query: Record<string, string> = {};
    for (const [k, v] of requestUrl.searchParams) query[k] = v;
    const checked = validateRequest(operation, {
      path: match.params,
      query,
      body,
      hasBody: raw.length > 0,
    });
    if (checked.errors.length > 0) {
      const messages = checked.errors.map((e) => e.message);
      const status = checked.errors.some((e) => e.in === 'path') ? 404 : 422;
      violate('request', status, messages, operation);
      return status === 404
        ? errorReply(404, 'Not Found', docs)
        : errorReply(422, `Invalid request.\n\n${messages.join('\n')}`, docs);
    }
    const { owner, repo: repoName, org } = checked.path as Record<string, string | undefined>;
    const sameName = (a: string | undefined, b: string) =>
      a === undefined || a.toLowerCase() === b.toLowerCase();
    if (
      !sameName(owner, state.owner) ||
      !sameName(repoName, state.repo) ||
      !sameName(org, state.owner)
    ) {
      violate(
        'wrong-repository',
        404,
        [`the fake serves ${state.owner}/${state.repo} only`],
        operation,
      );
      return errorReply(404, 'Not Found', docs);
    }
    const failure = failures.get(operation.operationId);
    if (failure && failure.times > 0) {
      failure.times -= 1;
      return {
        ...errorReply(failure.status, failure.message ?? 'Injected failure', docs),
        headers: failure.headers ?? {},
      };
    }
    const ctx: RouteContext = {
      operationId: operation.operationId,
      params: checked.path,
      query: checked.query,
      body,
      headers: req.headers,
      identity,
      state,
      git: repo,
      render,
      url: requestUrl,
    };
    let reply: Reply;
    try {
      reply = await handler(ctx);
    } catch (error) {
      if (error instanceof GitHubError) {
        reply = errorReply(error.status, error.message, docs, error.errors);
      } else if (error instanceof NotModeled) {
        violate('not-implemented', 501, [error.message], operation);
        return errorReply(501, `fake-github: ${error.message}`, docs);
      } else {
        violate('fake-error', 500, [String((error as Error)?.stack ?? error)], operation);
        return errorReply(500, `fake-github failed: ${(error as Error)?.message ?? error}`, docs);
      }
    }
    for (const hook of hooks)
      reply = hook({ operationId: operation.operationId, request: record }, reply) ?? reply;
    if (reply.raw) return reply;
    // What leaves the fake is what JSON carries: validate exactly that.
    const sent = reply.body === undefined ? undefined : JSON.parse(JSON.stringify(reply.body));
    const problems = validateResponse(operation, reply.status, sent);
    if (problems.length > 0) {
      violate('response', reply.status, problems, operation);
      return errorReply(
        502,
        `fake-github answered against GitHub's OpenAPI description: ${problems.join('; ')}`,
        docs,
      );
    }
    return { ...reply, body: sent };
  };

  const send = (res: ServerResponse, reply: Reply) => {
    const headers: Record<string, string> = {
      'x-github-request-id': `FAKE:${requests.length}`,
      'x-github-api-version-selected': '2022-11-28',
      'x-ratelimit-limit': '5000',
      'x-ratelimit-remaining': String(Math.max(5000 - requests.length, 0)),
      'x-ratelimit-resource': 'core',
      ...reply.headers,
    };
    if (reply.raw) {
      res.writeHead(reply.status, {
        ...headers,
        'content-type': 'application/vnd.github.raw; charset=utf-8',
      });
      res.end(reply.raw);
    } else if (reply.body === undefined) {
      res.writeHead(reply.status, headers);
      res.end();
    } else {
      res.writeHead(reply.status, {
        ...headers,
        'content-type': 'application/json; charset=utf-8',
      });
      res.end(JSON.stringify(reply.body));
    }
  };

  const server = createServer((req, res) => {
    const path = req.url ?? '/';
    const record: RequestRecord = {
      method: req.method ?? 'GET',
      path,
      operationId: null,
      status: 0,
      login: null,
    };
    requests.push(record);
    dispatch(req, record)
      .catch((error): Reply => {
        violations.push({
          kind: 'fake-error',
          method: record.method,
          path,
          operationId: record.operationId,
          status: 500,
          errors: [String(error?.stack ?? error)],
        });
        return errorReply(500, 'fake-github failed');
      })
      .then((reply) => {
        record.status = reply.status;
        send(res, reply);
      });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  render = new Renderer(url, options.htmlUrl ?? 'https://github.com', state);

  return {
    url,
    state,
    repo,
    render,
    gitDir,
    appToken: app.token,
    appLogin: app.login,
    actionsToken: actions.token,
    tokenFor: (login) => state.addUser(login).token,
    requests,
    violations,
    count: (operationId) => requests.filter((r) => r.operationId === operationId).length,
    clone: async (dir, branch = defaultBranch) => {
      await runGit(['clone', '--quiet', '--branch', branch, '--', gitDir, dir]);
    },
    readFile: state.readFile,
    onResponse: (hook) => {
      hooks.add(hook);
      return () => hooks.delete(hook);
    },
    injectFailure: (operationId, failure) => {
      failures.set(operationId, { ...failure, times: failure.times ?? 1 });
    },
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await rm(tmp, { recursive: true, force: true });
    },
  };
}
