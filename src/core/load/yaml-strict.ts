import {
  Composer,
  type CST,
  isAlias,
  isMap,
  isScalar,
  isSeq,
  type Node,
  type ParsedNode,
  Parser,
} from 'yaml';
import { type Finding, finding } from '../codes.js';
import { fail, ok, type Result } from '../result.js';
import { parseFlatYaml } from './yaml-flat.js';

/** A parsed value: strings (grants) or core-schema scalars (policies), arrays and plain objects. */
export type YamlValue = string | number | boolean | null | YamlValue[] | { [k: string]: YamlValue };

export interface StrictYamlOptions {
  /** `failsafe`: every scalar is a string (grants). `core`: YAML 1.2 core types (policies). */
  schema: 'failsafe' | 'core';
  /** Maximum nesting of collections; the root mapping is depth 1. */
  maxDepth: number;
  /** Repository path, for messages. */
  path: string;
}

/** Keys that could reach an object's prototype machinery; never accepted anywhere. */
const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

/**
 * Parses YAML 1.2 with every refusal of SPEC §2: anchors and aliases, merge keys, tags,
 * duplicate keys, several documents, excessive nesting and a non-mapping root are E_YAML.
 *
 * Depth is checked on the concrete syntax tree *before* composing: the `yaml` composer
 * recurses per level and a 5,000-deep flow sequence exhausts the process (seen: OOM abort),
 * so the cap must hold before that code runs.
 */
export function parseStrictYaml(
  text: string,
  opts: StrictYamlOptions,
): Result<{ [k: string]: YamlValue }> {
  // Flat `key: value` files (nearly every grant) take a fast path that answers only where its
  // result equals the full parser's (test/audit/yaml-flat.test.ts compares them on generated
  // inputs); everything else, and every refusal, goes through the full parser.
  if (opts.schema === 'failsafe') {
    const flat = parseFlatYaml(text);
    if (flat) return ok(flat);
  }
  return parseComposedYaml(text, opts);
}

/** The full strict parser (CST depth check, composer, refusals), without the flat fast path. */
export function parseComposedYaml(
  text: string,
  opts: StrictYamlOptions,
): Result<{ [k: string]: YamlValue }> {
  const { path } = opts;
  const err = (message: string, line?: number): Finding =>
    finding(
      'E_YAML',
      `${path}${line ? `:${line}` : ''}: ${message}`,
      line ? { path, line } : { path },
    );
  const lineOf = makeLineOf(text);

  const flowTooDeep = flowDepthExceeds(text, opts.maxDepth);
  if (flowTooDeep !== undefined) {
    return fail(
      err(
        `nesting deeper than ${opts.maxDepth} levels; flatten the structure.`,
        lineOf(flowTooDeep),
      ),
    );
  }
  const tokens = [...new Parser().parse(text)];
  const documents = tokens.filter((t) => t.type === 'document');
  if (documents.length > 1) {
    return fail(err('more than one YAML document (`---`); keep exactly one mapping per file.'));
  }
  const tooDeep = cstDepthExceeds(tokens, opts.maxDepth);
  if (tooDeep !== undefined) {
    return fail(
      err(`nesting deeper than ${opts.maxDepth} levels; flatten the structure.`, lineOf(tooDeep)),
    );
  }

  const composer = new Composer({
    schema: opts.schema,
    version: '1.2',
    merge: false,
    uniqueKeys: true,
    strict: true,
    prettyErrors: false,
    intAsBigInt: false,
  });
  const docs = [...composer.compose(tokens, true)];
  const doc = docs[0];
  if (!doc || doc.contents === null) {
    return fail(err('the file is empty; it must be a YAML mapping (key: value lines).'));
  }
  const problems = [...doc.errors, ...doc.warnings];
  if (problems.length > 0) {
    const e = problems[0]!;
    const line = e.linePos?.[0]?.line ?? lineOf(e.pos[0]);
    return fail(err(describeYamlError(e.code, e.message), line));
  }
  if (!isMap(doc.contents)) {
    return fail(
      err('the top level must be a mapping (key: value lines), not a list or a single value.'),
    );
  }
  const out = toPlain(doc.contents, opts, lineOf, err);
  if (!out.ok) return out;
  return ok(out.value as { [k: string]: YamlValue });
}

function describeYamlError(code: string, message: string): string {
  switch (code) {
    case 'DUPLICATE_KEY':
      return 'a key appears twice in the same mapping; keep one.';
    case 'TAG_RESOLVE_FAILED':
      return 'tags (`!!type` or `!name`) are not allowed; write a plain value.';
    case 'MULTIPLE_DOCS':
      return 'more than one YAML document (`---`); keep exactly one mapping per file.';
    default:
      return `invalid YAML (${code}): ${message.split('\n')[0]}`;
  }
}

/**
 * A linear character scan for flow-collection nesting (`[[[[…`, `{{{{…`), run before any YAML
 * parsing so a nesting bomb costs microseconds instead of a full concrete-syntax parse. Quoted
 * scalars and comments are skipped; in block context a bracket opens a collection only where a
 * value can start (line start, after `: `, `- `, `? `). It can over-count only brackets that
 * begin lines of a block scalar, which then gets refused: fail closed, never a bypass. The exact
 * depth check on the CST still follows.
 */
function flowDepthExceeds(text: string, max: number): number | undefined {
  let depth = 0;
  let valueStart = true; // at a position where a block value may begin
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x0a) {
      valueStart = true;
      continue;
    }
    if (c === 0x20 || c === 0x09) continue;
    if (c === 0x23 /* # */ && (i === 0 || text.charCodeAt(i - 1) <= 0x20)) {
      const nl = text.indexOf('\n', i);
      if (nl === -1) break;
      i = nl - 1;
      continue;
    }
    if ((c === 0x22 || c === 0x27) && (depth > 0 || valueStart)) {
      // Skip a quoted scalar ('' escapes a single quote; \ escapes in double quotes).
      for (i++; i < text.length; i++) {
        const q = text.charCodeAt(i);
        if (c === 0x22 && q === 0x5c) i++;
        else if (q === c) {
          if (c === 0x27 && text.charCodeAt(i + 1) === 0x27) i++;
          else break;
        }
      }
      valueStart = false;
      continue;
    }
    if ((c === 0x5b || c === 0x7b) && (depth > 0 || valueStart)) {
      depth++;
      if (depth > max) return i;
      valueStart = true;
      continue;
    }
    if ((c === 0x5d || c === 0x7d) && depth > 0) {
      depth--;
      valueStart = false;
      continue;
    }
    if (depth > 0) {
      valueStart = c === 0x2c || c === 0x3a; // after `,` or `:` a nested collection may start
      continue;
    }
    // Block context: a value may start after `: `, `- ` or `? `.
    const next = text.charCodeAt(i + 1);
    valueStart =
      (c === 0x3a || c === 0x2d || c === 0x3f) &&
      (next === 0x20 || next === 0x0a || Number.isNaN(next));
  }
  return undefined;
}

/** Walks the CST iteratively; returns the offset of the first node deeper than `max`. */
function cstDepthExceeds(tokens: CST.Token[], max: number): number | undefined {
  const stack: Array<[CST.Token | undefined, number]> = [];
  for (const t of tokens) if (t.type === 'document') stack.push([t.value, 0]);
  while (stack.length > 0) {
    const [tok, depth] = stack.pop()!;
    if (!tok) continue;
    switch (tok.type) {
      case 'block-map':
      case 'block-seq':
      case 'flow-collection': {
        const d = depth + 1;
        if (d > max) return tok.offset;
        for (const item of tok.items) {
          const it = item as { key?: CST.Token | null; value?: CST.Token };
          if (it.key) stack.push([it.key, d]);
          if (it.value) stack.push([it.value, d]);
        }
        break;
      }
      default:
        break;
    }
  }
  return undefined;
}

type Conv = Result<YamlValue>;

function toPlain(
  root: ParsedNode,
  opts: StrictYamlOptions,
  lineOf: (offset: number) => number,
  err: (m: string, line?: number) => Finding,
): Conv {
  const walk = (node: Node | null, depth: number): Conv => {
    if (node === null) return ok(opts.schema === 'failsafe' ? '' : null);
    const line = lineOf(node.range?.[0] ?? 0);
    if (isAlias(node))
      return fail(err('aliases (`*name`) are not allowed; write the value out.', line));
    if (node.anchor)
      return fail(err('anchors (`&name`) are not allowed; write the value out.', line));
    if (node.tag) {
      return fail(err('tags (`!!type` or `!name`) are not allowed; write a plain value.', line));
    }
    if (isScalar(node)) return ok(node.value as YamlValue);
    if (depth > opts.maxDepth)
      return fail(err(`nesting deeper than ${opts.maxDepth} levels.`, line));
    if (isSeq(node)) {
      const arr: YamlValue[] = [];
      for (const item of node.items) {
        const r = walk(item as Node, depth + 1);
        if (!r.ok) return r;
        arr.push(r.value);
      }
      return ok(arr);
    }
    if (isMap(node)) {
      const obj: { [k: string]: YamlValue } = {};
      for (const pair of node.items) {
        const key = pair.key as Node | null;
        const keyLine = lineOf(key?.range?.[0] ?? node.range?.[0] ?? 0);
        if (!isScalar(key) || key.anchor || key.tag) {
          return fail(
            err('mapping keys must be plain words, not lists, mappings, anchors or tags.', keyLine),
          );
        }
        const k = String(key.source ?? key.value);
        if (k === '<<')
          return fail(err('merge keys (`<<`) are not allowed; write every key out.', keyLine));
        if (FORBIDDEN_KEYS.has(k)) return fail(err(`the key "${k}" is not allowed.`, keyLine));
        if (Object.hasOwn(obj, k))
          return fail(err(`the key "${k}" appears twice; keep one.`, keyLine));
        const r = walk(pair.value as Node | null, depth + 1);
        if (!r.ok) return r;
        obj[k] = r.value;
      }
      return ok(obj);
    }
    return fail(err('unsupported YAML node.', line));
  };
  return walk(root, 1);
}

// The composer leaves `tag` undefined for implicitly resolved nodes (checked with yaml 2.9):
// any tag present was written in the source, so any tag is refused.

function makeLineOf(text: string): (offset: number) => number {
  let starts: number[] | undefined;
  return (offset: number) => {
    if (!starts) {
      starts = [0];
      for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) === 10) starts.push(i + 1);
    }
    let lo = 0;
    let hi = starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (starts[mid]! <= offset) lo = mid;
      else hi = mid - 1;
    }
    return lo + 1;
  };
}
