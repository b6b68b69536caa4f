import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  type DispatchEnv,
  dispatch,
  errorReply,
  type InjectedFailure,
  type RequestRecord,
  type ResponseHook,
  type Violation,
} from './dispatch.js';
import { BareRepo, runGit } from './git.js';
import type { Reply } from './http.js';
import { Renderer } from './shapes.js';
import { loadSpec } from './spec.js';
import { FakeState, type FileSpec } from './state.js';

export type {
  InjectedFailure,
  RequestRecord,
  ResponseHook,
  Violation,
  ViolationKind,
} from './dispatch.js';

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
  /** The token of a user (created if unknown). */
  tokenFor(login: string): string;
  requests: RequestRecord[];
  violations: Violation[];
  /** Number of requests answered for an operationId. */
  count(operationId: string): number;
  /** Checks out `branch` (default branch by default) of the bare repository into `dir`. */
  clone(dir: string, branch?: string): Promise<void>;
  readFile(ref: string, path: string): Promise<string | null>;
  /** Registers a reply rewriter (test hook); returns its removal. */
  onResponse(hook: ResponseHook): () => void;
  /** Makes the next `times` calls of an operation fail with `status` (rate limits, 5xx). */
  injectFailure(operationId: string, failure: InjectedFailure): void;
  close(): Promise<void>;
}

function send(res: ServerResponse, reply: Reply, requestCount: number): void {
  const headers: Record<string, string> = {
    'x-github-request-id': `FAKE:${requestCount}`,
    'x-github-api-version-selected': '2022-11-28',
    'x-ratelimit-limit': '5000',
    'x-ratelimit-remaining': String(Math.max(5000 - requestCount, 0)),
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
    res.writeHead(reply.status, { ...headers, 'content-type': 'application/json; charset=utf-8' });
    res.end(JSON.stringify(reply.body));
  }
}

async function createState(options: FakeGitHubOptions, gitDir: string) {
  const defaultBranch = options.defaultBranch ?? 'main';
  const repo = await BareRepo.init(gitDir, defaultBranch);
  const state = new FakeState(repo, {
    owner: options.owner ?? 'acme',
    repo: options.repo ?? 'access',
    defaultBranch,
    now: options.now ?? (() => new Date()),
  });
  const slug = options.appSlug ?? 'jit-access';
  const app = state.addUser(`${slug}[bot]`, {
    id: 100000001,
    type: 'Bot',
    token: `ghs_fake_${slug}`,
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
  return { repo, state, app, actions };
}

/** Starts the fake on 127.0.0.1 with a random port and a fresh bare repository. */
export async function startFakeGitHub(options: FakeGitHubOptions = {}): Promise<FakeGitHub> {
  const spec = loadSpec();
  const tmp = await mkdtemp(join(tmpdir(), 'fake-github-'));
  const gitDir = join(tmp, 'repo.git');
  const { repo, state, app, actions } = await createState(options, gitDir);
  const requests: RequestRecord[] = [];
  const env: DispatchEnv = {
    spec,
    state,
    repo,
    render: new Renderer('', '', state),
    baseUrl: '',
    violations: [],
    hooks: new Set(),
    failures: new Map(),
    logViolations: options.logViolations !== false,
  };
  const server = createServer((req, res) => {
    const record: RequestRecord = {
      method: req.method ?? 'GET',
      path: req.url ?? '/',
      operationId: null,
      status: 0,
      login: null,
    };
    requests.push(record);
    dispatch(env, req, record)
      .catch((error): Reply => {
        const errors = [String(error?.stack ?? error)];
        env.violations.push({
          kind: 'fake-error',
          method: record.method,
          path: record.path,
          operationId: record.operationId,
          status: 500,
          errors,
        });
        return errorReply(500, 'fake-github failed');
      })
      .then((reply) => {
        record.status = reply.status;
        send(res, reply, requests.length);
      });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  env.baseUrl = url;
  env.render = new Renderer(url, options.htmlUrl ?? 'https://github.com', state);

  return {
    url,
    state,
    repo,
    render: env.render,
    gitDir,
    appToken: app.token,
    appLogin: app.login,
    actionsToken: actions.token,
    tokenFor: (login) => state.addUser(login).token,
    requests,
    violations: env.violations,
    count: (operationId) => requests.filter((r) => r.operationId === operationId).length,
    clone: async (dir, branch = state.defaultBranch) => {
      await runGit(['clone', '--quiet', '--branch', branch, '--', gitDir, dir]);
    },
    readFile: state.readFile,
    onResponse: (hook) => {
      env.hooks.add(hook);
      return () => env.hooks.delete(hook);
    },
    injectFailure: (operationId, failure) => {
      env.failures.set(operationId, { ...failure, times: failure.times ?? 1 });
    },
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await rm(tmp, { recursive: true, force: true });
    },
  };
}
