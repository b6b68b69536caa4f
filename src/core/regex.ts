import { RE2JS } from 're2js';

/**
 * Linear-time regular expressions (RE2 semantics) for every pattern a policy supplies: the
 * ticket pattern and `pattern` inside grant_schema. A backtracking engine would let a policy
 * author (or a PR that slipped a policy through) hang every evaluation with `(a+)+$`.
 */
export interface LinearRegex {
  test(s: string): boolean;
}

/** Compiles `source` with RE2 semantics, or returns the engine's complaint. */
export function compileLinear(
  source: string,
): { ok: true; re: LinearRegex } | { ok: false; why: string } {
  try {
    const re = RE2JS.compile(source);
    // JSON Schema `pattern` and our ticket pattern are unanchored searches, like RegExp#test.
    return { ok: true, re: { test: (s: string) => re.test(s) } };
  } catch (e) {
    return { ok: false, why: (e as Error).message };
  }
}

/** Adapter for Ajv's `code.regExp` option: Ajv calls it with (pattern, flags). */
export function ajvRegExp(pattern: string, _flags: string): LinearRegex & { toString(): string } {
  const r = compileLinear(pattern);
  if (!r.ok) {
    throw new Error(`pattern ${JSON.stringify(pattern)} is not a valid RE2 expression: ${r.why}`);
  }
  // Ajv caches compiled patterns by `toString()`: without a distinct key every pattern of a
  // schema would silently reuse the first one compiled (seen in tests: all patterns passed).
  return { test: r.re.test, toString: () => `re2:${pattern}` };
}
ajvRegExp.code = 'ajvRegExp';
