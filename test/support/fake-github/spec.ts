import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

/** A JSON value of GitHub's OpenAPI description (kept loose on purpose: it is 13 MB of data). */
// biome-ignore lint/suspicious/noExplicitAny: the spec is untyped JSON
export type Json = any;

/** One REST operation of GitHub's OpenAPI description, ready for routing. */
export interface Operation {
  operationId: string;
  method: string;
  /** Path template, e.g. `/repos/{owner}/{repo}/pulls/{pull_number}`. */
  path: string;
  /** The operation object of the spec. */
  spec: Json;
  /** JSON pointer (without `#`) of the operation object inside the spec. */
  pointer: string;
  paramNames: string[];
  regex: RegExp;
  /** Number of literal characters in the template: more literal = more specific. */
  literalLength: number;
}

export interface LoadedSpec {
  document: Json;
  operations: Operation[];
  byId: Map<string, Operation>;
}

let cached: LoadedSpec | undefined;

/** Escapes one JSON-pointer segment (RFC 6901). */
export function pointerSegment(segment: string): string {
  return segment.replace(/~/g, '~0').replace(/\//g, '~1');
}

/** Follows `$ref: '#/…'` chains inside the spec. */
export function deref(document: Json, node: Json): Json {
  let current = node;
  for (let hops = 0; current && typeof current.$ref === 'string' && hops < 20; hops++) {
    current = resolvePointer(document, current.$ref.replace(/^#/, ''));
  }
  return current;
}

/** Resolves a JSON pointer (without `#`) inside the spec. */
export function resolvePointer(document: Json, pointer: string): Json {
  let node = document;
  for (const raw of pointer.split('/').slice(1)) {
    node = node?.[raw.replace(/~1/g, '/').replace(/~0/g, '~')];
  }
  return node;
}

function escapeRegExp(literal: string): string {
  return literal.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function compileOperation(document: Json, path: string, method: string, op: Json): Operation {
  const multiSegment = new Set<string>();
  for (const param of op.parameters ?? []) {
    const resolved = deref(document, param);
    if (resolved?.in === 'path' && resolved['x-multi-segment']) multiSegment.add(resolved.name);
  }
  const paramNames: string[] = [];
  let literalLength = 0;
  // Path params may arrive with `/` encoded as %2F (Octokit) or raw (curl, GitHub's docs);
  // GitHub marks the params that may span segments with `x-multi-segment`.
  const pattern = path
    .split(/(\{[^}]+\})/)
    .map((part) => {
      const name = /^\{([^}]+)\}$/.exec(part)?.[1];
      if (name === undefined) {
        literalLength += part.length;
        return escapeRegExp(part);
      }
      paramNames.push(name);
      return multiSegment.has(name) ? '(.+)' : '([^/]+)';
    })
    .join('');
  return {
    operationId: op.operationId,
    method: method.toUpperCase(),
    path,
    spec: op,
    pointer: `/paths/${pointerSegment(path)}/${method}`,
    paramNames,
    regex: new RegExp(`^${pattern}$`),
    literalLength,
  };
}

/**
 * OpenAPI 3.0 lets `nullable: true` stand next to `oneOf`/`allOf` without a `type`; Ajv only
 * understands `nullable` beside `type`. Rewrite those into `anyOf: [schema, {type: null}]`.
 */
function normalizeNullable(node: Json): void {
  if (Array.isArray(node)) {
    for (const item of node) normalizeNullable(item);
    return;
  }
  if (node === null || typeof node !== 'object') return;
  for (const value of Object.values(node)) normalizeNullable(value);
  if (node.nullable !== true || 'type' in node) return;
  delete node.nullable;
  const constrained = Object.keys(node).some((k) =>
    ['oneOf', 'anyOf', 'allOf', '$ref', 'enum'].includes(k),
  );
  if (!constrained) return;
  const inner = { ...node };
  for (const k of Object.keys(node)) delete node[k];
  node.anyOf = [inner, { type: 'null' }];
}

const METHODS = ['get', 'put', 'post', 'delete', 'patch', 'head', 'options'];

/**
 * Loads GitHub's OpenAPI description once per process. Only the plain JSON file is read:
 * requiring `@octokit/openapi` itself would load every GHES variant (hundreds of MB).
 */
export function loadSpec(): LoadedSpec {
  if (cached) return cached;
  const require = createRequire(import.meta.url);
  const file = require.resolve('@octokit/openapi/generated/api.github.com.json');
  const document = JSON.parse(readFileSync(file, 'utf8'));
  normalizeNullable(document.components);
  normalizeNullable(document.paths);
  const operations: Operation[] = [];
  for (const [path, item] of Object.entries<Json>(document.paths)) {
    for (const method of METHODS) {
      const op = item[method];
      if (op?.operationId) operations.push(compileOperation(document, path, method, op));
    }
  }
  operations.sort((a, b) => b.literalLength - a.literalLength);
  const byId = new Map(operations.map((op) => [op.operationId, op]));
  cached = { document, operations, byId };
  return cached;
}

export type RouteMatch =
  | { kind: 'found'; operation: Operation; params: Record<string, string> }
  | { kind: 'method-not-allowed'; operation: Operation }
  | { kind: 'not-found' };

/** Finds the operation for a request path (raw, still percent-encoded) and method. */
export function matchOperation(spec: LoadedSpec, method: string, rawPath: string): RouteMatch {
  const path = rawPath.length > 1 ? rawPath.replace(/\/+$/, '') : rawPath;
  let pathOnly: Operation | undefined;
  for (const operation of spec.operations) {
    const match = operation.regex.exec(path);
    if (!match) continue;
    if (operation.method !== method) {
      pathOnly ??= operation;
      continue;
    }
    const params: Record<string, string> = {};
    operation.paramNames.forEach((name, index) => {
      const value = match[index + 1] ?? '';
      try {
        params[name] = decodeURIComponent(value);
      } catch {
        params[name] = value;
      }
    });
    return { kind: 'found', operation, params };
  }
  return pathOnly ? { kind: 'method-not-allowed', operation: pathOnly } : { kind: 'not-found' };
}
