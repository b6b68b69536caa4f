import type { IncomingHttpHeaders } from 'node:http';
import type { BareRepo } from './git.js';
import type { Renderer } from './shapes.js';
import type { FakeState, FakeUser } from './state.js';

/** What a route handler answers; the server validates it before sending. */
export interface Reply {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
  /** Non-JSON payload (raw file content); skips body validation. */
  raw?: Buffer;
}

/** Everything a route handler may use. Path and query values are already typed by the spec. */
export interface RouteContext {
  operationId: string;
  // biome-ignore lint/suspicious/noExplicitAny: values are validated against the spec before use
  params: Record<string, any>;
  // biome-ignore lint/suspicious/noExplicitAny: values are validated against the spec before use
  query: Record<string, any>;
  // biome-ignore lint/suspicious/noExplicitAny: the body is validated against the spec before use
  body: any;
  headers: IncomingHttpHeaders;
  /** The authenticated caller. */
  identity: FakeUser;
  state: FakeState;
  git: BareRepo;
  render: Renderer;
  /** Absolute URL of this request (for Link headers). */
  url: URL;
}

export type Handler = (ctx: RouteContext) => Promise<Reply>;

export interface ErrorDetail {
  resource?: string;
  field?: string;
  code: string;
  message?: string;
}

/** An error GitHub itself would answer (404, 409, 422 …), not a fake-github failure. */
export class GitHubError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly errors?: (ErrorDetail | string)[],
  ) {
    super(message);
  }
}

export const notFound = (): GitHubError => new GitHubError(404, 'Not Found');

export function ok(body: unknown, status = 200): Reply {
  return { status, body };
}

export const noContent = (): Reply => ({ status: 204 });

/** A request GitHub would accept but the fake does not model: reported as a violation. */
export class NotModeled extends Error {}
