import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseFlatYaml } from '../../src/core/load/yaml-flat.js';
import { parseComposedYaml } from '../../src/core/load/yaml-strict.js';
import { grantText } from '../support/fixtures.js';

// The reference is the full parser without the fast path (parseStrictYaml would ask the fast
// path first and compare it with itself).
const strict = (text: string) =>
  parseComposedYaml(text, { schema: 'failsafe', maxDepth: 8, path: 'grants/x/y.yaml' });

/** Where the fast path answers, the strict parser must accept the file and agree exactly. */
function agrees(text: string): boolean {
  const fast = parseFlatYaml(text);
  if (fast === undefined) return false;
  const s = strict(text);
  expect(s.ok, `strict parser refuses what the fast path accepted: ${JSON.stringify(text)}`).toBe(
    true,
  );
  if (s.ok) expect(fast, JSON.stringify(text)).toEqual(s.value);
  return true;
}

const KEYS = [
  'requester',
  'role',
  'ticket',
  'x-y',
  'a_b',
  '9z',
  '__proto__',
  'constructor',
  '-a',
  'a b',
  'Ab',
];
const SEPS = [': ', ':', ':  ', ' : ', ':\t'];
const VALUES = [
  'alice',
  'on',
  'yes',
  'No',
  '0755',
  '0x1F',
  '1:30',
  '1_000',
  '.inf',
  '~',
  'null',
  'true',
  '2026-12-05T17:00:00Z',
  '"2026-12-05T17:00:00Z"',
  "'PROC-1'",
  '"quoted"',
  "'single'",
  '"esc\\"x"',
  '"tab\\tx"',
  "'it''s'",
  'a #b',
  'a#b',
  'a: b',
  'a:b',
  'http://x.example/a?b=c',
  '[x]',
  '{x: 1}',
  'a[0]',
  '&a x',
  '*a',
  '!tag x',
  '!!str x',
  '|',
  '>',
  '- x',
  '-x',
  '? x',
  '?x',
  ':x',
  '@x',
  '`x',
  '%x',
  'a:',
  'a ',
  ' a',
  'text, with comma',
  'x\ty',
  'é',
  '""',
  "''",
  '"a\'b"',
  "'a\"b'",
  '"#x"',
  '"a" b',
  "'a' b",
  'x # c',
  '#x',
  ',x',
  'a,b',
  'a\\b',
  '"\\u0041"',
  '=cmd',
  '+1',
  '...',
  '---',
  'a ... b',
  'a --- b',
  "'",
  '"',
  'a"b',
  "a'b",
];
const EXTRA = [
  '',
  '# comment',
  '  # indented comment',
  '---',
  '...',
  '  child: x',
  '- item',
  '%YAML 1.2',
  'key',
  '   ',
  'k: v # trailing',
];

/** Deterministic pseudo-random documents (mulberry32). */
function* corpus(count: number, seed: number): Generator<string> {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const pick = <T>(xs: T[]): T => xs[Math.floor(next() * xs.length)]!;
  for (let i = 0; i < count; i++) {
    const lines: string[] = [];
    const n = 1 + Math.floor(next() * 3);
    for (let j = 0; j < n; j++) {
      const r = next();
      if (r < 0.1) lines.push(pick(EXTRA));
      else if (r < 0.55) lines.push(`${pick(KEYS)}: ${pick(VALUES)}`);
      else lines.push(`${pick(KEYS)}${pick(SEPS)}${pick(VALUES)}`);
    }
    yield lines.join('\n') + (next() < 0.8 ? '\n' : '');
  }
}

describe('flat YAML fast path (audit)', () => {
  it('agrees with the strict parser on every generated document it accepts', () => {
    let accepted = 0;
    let total = 0;
    for (const doc of corpus(4000, 20261204)) {
      total++;
      if (agrees(doc)) accepted++;
    }
    // Both outcomes are exercised: the fast path is not vacuous and not everything.
    expect(accepted).toBeGreaterThan(total * 0.05);
    expect(accepted).toBeLessThan(total * 0.9);
  });

  it.each([
    ['a: b: c'],
    ['a: [x]'],
    ['a: x\na: y'],
    ['__proto__: x'],
    ['a: "x\\"y"'],
    ['a: x #c'],
    ['a: &x y'],
    ['a: *x'],
    ['a: !!str 1'],
    ['a: |\n  x'],
    ['a:\n  b: c'],
    ['---\na: b'],
    ['a: b\n---\nc: d'],
    ['a: é'],
    ['a: b\r\n'],
    ['\ufeffa: b'],
    [''],
    ['# only a comment\n'],
    ['a: '],
  ])('leaves %j to the strict parser', (text) => {
    expect(parseFlatYaml(text)).toBeUndefined();
  });

  it('takes the fast path for the grant files people and the gate write, with the same result', () => {
    const samples = [grantText(), grantText({ subject: 'bob', starts_at: '2026-12-04T09:00:00Z' })];
    const dir = join(import.meta.dirname, '..', '..', 'grants');
    for (const system of readdirSync(dir)) {
      for (const f of readdirSync(join(dir, system))) {
        samples.push(readFileSync(join(dir, system, f), 'utf8'));
      }
    }
    const fast = samples.filter(agrees).length;
    expect(fast).toBeGreaterThanOrEqual(2);
    for (const s of samples) if (parseFlatYaml(s) === undefined) expect(strict(s).ok).toBeDefined();
  });
});
