/**
 * A fast path for the one shape grant files nearly always have: a flat mapping of
 * `key: scalar` lines. Parsing ten thousand historical grant versions with the full YAML parser
 * dominates `jit audit`; this reader accepts only a conservative subset of YAML 1.2 whose
 * meaning under the failsafe schema is unambiguous, and answers `undefined` for anything else,
 * so the caller falls back to `parseStrictYaml` (and its refusals). Where it answers, the result
 * equals the strict parser's (test/audit/yaml-flat.test.ts compares them on generated inputs).
 *
 * Accepted: printable ASCII and `\n` only; blank lines; comment lines starting with `#` in the
 * first column; `key: value` lines with a simple key (letters, digits, `_`, `-`; not starting
 * with `-`) at the first column and a non-empty value that is one of
 * - `"text"` without `"` or `\` inside,
 * - `'text'` without `'` inside,
 * - a plain scalar that cannot start or contain any YAML indicator: it does not start with
 *   `-?:,[]{}#&*!|>'"%@` or a backtick, holds none of `[]{}`, no `: `, no ` #`, and does not end
 *   with `:` or a space.
 * Duplicate keys and the keys `__proto__`, `constructor`, `prototype` are left to the strict
 * parser (which refuses them).
 */
export function parseFlatYaml(text: string): Record<string, string> | undefined {
  if (!/^[\x20-\x7e\n]*$/.test(text)) return undefined;
  const out: Record<string, string> = Object.create(null);
  let keys = 0;
  for (const line of text.split('\n')) {
    if (line === '' || line[0] === '#') continue;
    const m = LINE.exec(line);
    if (!m) return undefined;
    const key = m[1]!;
    const raw = m[2]!;
    if (FORBIDDEN.has(key) || key in out) return undefined;
    const value = scalar(raw);
    if (value === undefined) return undefined;
    out[key] = value;
    keys++;
  }
  if (keys === 0) return undefined;
  return { ...out };
}

const LINE = /^([A-Za-z0-9_][A-Za-z0-9_-]*): (\S.*)$/;
const FORBIDDEN = new Set(['__proto__', 'constructor', 'prototype']);

function scalar(raw: string): string | undefined {
  if (raw[0] === '"') return /^"[^"\\]*"$/.test(raw) ? raw.slice(1, -1) : undefined;
  if (raw[0] === "'") return /^'[^']*'$/.test(raw) ? raw.slice(1, -1) : undefined;
  if (/^[-?:,[\]{}#&*!|>'"%@`]/.test(raw)) return undefined;
  if (/[[\]{}]|: | #|[: ]$/.test(raw)) return undefined;
  return raw;
}
