/**
 * CODEOWNERS path patterns: gitignore rules as GitHub applies them (see docs/codeowners.md).
 *
 * Why not RegExp: a compiled pattern such as `*a*a*a*a*b` or `**\/a/**\/a/**\/b` becomes a
 * backtracking RegExp whose running time grows with the power of the number of wildcards, and
 * file paths come from the pull request (attacker-controlled). Instead a pattern compiles once
 * to a list of segment matchers, and matching uses the classic greedy wildcard algorithm twice
 * (over path segments for `**`, over characters for `*` and `?`), which is O(n·m) in the worst
 * case and linear in practice. No pattern character is ever interpreted as a RegExp.
 */

/** `**`: zero or more whole path segments. */
const GLOBSTAR = 0;
/** Exactly one path segment, whatever it is (a lone `*`). */
const ANY = 1;
/** One segment equal to `literal`. */
const LITERAL = 2;
/** One segment matching `tokens` (`*` and `?` wildcards). */
const WILDCARD = 3;

/** One character-level token of a segment glob. */
type CharToken = string | typeof STAR | typeof QMARK;
const STAR = 0;
const QMARK = 1;

/** Matches exactly one path segment (or, for GLOBSTAR, any number of them). One shape for all. */
interface SegMatcher {
  kind: typeof GLOBSTAR | typeof ANY | typeof LITERAL | typeof WILDCARD;
  /** LITERAL: the segment; WILDCARD: the literal text before the first wildcard. */
  literal: string;
  /** WILDCARD: the literal text after the last wildcard (a cheap test before the full match). */
  suffix: string;
  tokens: CharToken[];
  byCodePoint: boolean;
  /** WILDCARD of the form `prefix*suffix`: decided by the prefix, suffix and length alone. */
  simple: boolean;
}

function segMatcher(kind: SegMatcher['kind'], literal = '', tokens: CharToken[] = []): SegMatcher {
  let start = 0;
  while (typeof tokens[start] === 'string') start++;
  let end = tokens.length;
  while (end > start && typeof tokens[end - 1] === 'string') end--;
  const wildcards = tokens.slice(start, end);
  return {
    kind,
    literal: kind === WILDCARD ? tokens.slice(0, start).join('') : literal,
    suffix: tokens.slice(end).join(''),
    tokens,
    byCodePoint: tokens.includes(QMARK),
    simple: wildcards.length === 1 && wildcards[0] === STAR,
  };
}
const GLOBSTAR_SEG = segMatcher(GLOBSTAR);
const ANY_SEG = segMatcher(ANY);

/** A compiled pattern: the path's segments must match `segs` exactly. */
export interface Glob {
  readonly source: string;
  readonly segs: readonly SegMatcher[];
}

/** A syntax problem: what is wrong and how to fix it (both sentences). */
export interface GlobProblem {
  problem: string;
  fix: string;
  /** Not a documented GitHub rule: the meaning on GitHub is uncertain, so we refuse to guess. */
  ambiguous?: true;
}

export type GlobResult =
  | { glob: Glob; problems: [] }
  | { glob?: undefined; problems: GlobProblem[] };

interface RawSegment {
  tokens: CharToken[];
  /** Exactly `**`, unescaped. */
  globstar: boolean;
}

/**
 * Compiles a CODEOWNERS pattern as written (escapes still in place). Returns the problems
 * instead when GitHub would skip the line or when its meaning on GitHub is ambiguous.
 */
export function compileGlob(source: string): GlobResult {
  const problems = syntaxProblems(source);
  const split = splitSegments(source, problems);
  if (problems.length > 0 || !split) return { problems };
  const { segments, leadingSlash, trailingSlash } = split;
  // A slash at the start or in the middle anchors the pattern to the repository root;
  // otherwise it matches at any depth, like a leading `**/`.
  const anchored = leadingSlash || segments.length > 1;
  const segs: SegMatcher[] = segments.map(toSegMatcher);
  if (!anchored && segs[0]!.kind !== GLOBSTAR) segs.unshift(GLOBSTAR_SEG);
  const last = segments[segments.length - 1]!;
  if (last.globstar) {
    // Trailing `**`: everything inside, so at least one more segment (`logs/**` ≠ `logs`).
    segs.splice(segs.length - 1, 1, ANY_SEG, GLOBSTAR_SEG);
  }
  if (trailingSlash) {
    // `dir/`: a directory, so only paths strictly below it (a file named `dir` does not match).
    segs.push(ANY_SEG, GLOBSTAR_SEG);
  } else if (!last.globstar && !isLoneStar(last)) {
    // `name` matches the file `name` or everything below a directory `name`. A lone `*` as
    // last segment is GitHub's documented exception: `docs/*` matches direct children only.
    segs.push(GLOBSTAR_SEG);
  }
  return { glob: { source, segs }, problems: [] };
}

/** Tests a repository-relative path (`a/b/c.yaml`, no leading slash) against a glob. */
export function matchGlob(glob: Glob, path: string): boolean {
  return matchSegments(glob, path.split('/'));
}

/** Like `matchGlob`, with the path already split on `/` (split once, test many globs). */
export function matchSegments(glob: Glob, segments: readonly string[]): boolean {
  const pats = glob.segs;
  // Greedy wildcard matching with GLOBSTAR as the star; every other matcher takes exactly
  // one segment, so remembering only the last star position is enough (no backtracking tree).
  let p = 0;
  let s = 0;
  let starP = -1;
  let starS = 0;
  while (s < segments.length) {
    const pat = pats[p];
    if (pat !== undefined && pat.kind === GLOBSTAR) {
      starP = p++;
      starS = s;
    } else if (pat !== undefined && segMatches(pat, segments[s]!)) {
      p++;
      s++;
    } else if (starP >= 0) {
      p = starP + 1;
      s = ++starS;
    } else {
      return false;
    }
  }
  while (pats[p]?.kind === GLOBSTAR) p++;
  return p === pats.length;
}

function segMatches(pat: SegMatcher, seg: string): boolean {
  if (pat.kind === LITERAL) return pat.literal === seg;
  if (pat.kind === ANY) return seg.length > 0;
  if (!seg.startsWith(pat.literal) || !seg.endsWith(pat.suffix)) return false;
  if (pat.simple) return seg.length >= pat.literal.length + pat.suffix.length;
  const chars: ArrayLike<string> = pat.byCodePoint ? Array.from(seg) : seg;
  return matchChars(pat.tokens, chars);
}

/** Greedy wildcard match of one segment: `*` any run (no `/` exists here), `?` one character. */
function matchChars(tokens: readonly CharToken[], chars: ArrayLike<string>): boolean {
  let t = 0;
  let c = 0;
  let starT = -1;
  let starC = 0;
  while (c < chars.length) {
    const tok = tokens[t];
    if (tok === STAR) {
      starT = t++;
      starC = c;
    } else if (tok !== undefined && (tok === QMARK || tok === chars[c])) {
      t++;
      c++;
    } else if (starT >= 0) {
      t = starT + 1;
      c = ++starC;
    } else {
      return false;
    }
  }
  while (tokens[t] === STAR) t++;
  return t === tokens.length;
}

function isLoneStar(seg: RawSegment): boolean {
  return !seg.globstar && seg.tokens.length > 0 && seg.tokens.every((t) => t === STAR);
}

function toSegMatcher(seg: RawSegment): SegMatcher {
  if (seg.globstar) return GLOBSTAR_SEG;
  // gitignore: consecutive asterisks other than a whole `**` segment act as one `*`.
  const tokens = seg.tokens.filter((t, i) => !(t === STAR && seg.tokens[i - 1] === STAR));
  if (tokens.length === 1 && tokens[0] === STAR) return ANY_SEG;
  if (tokens.every((t) => typeof t === 'string')) return segMatcher(LITERAL, tokens.join(''));
  return segMatcher(WILDCARD, '', tokens);
}

/** Checks GitHub's exceptions to gitignore syntax and our ambiguity rules. */
function syntaxProblems(source: string): GlobProblem[] {
  const problems: GlobProblem[] = [];
  if (source.startsWith('!')) {
    problems.push({
      problem: `the pattern "${source}" uses "!" negation, which CODEOWNERS does not support`,
      fix: 'Remove the "!" and give the excluded paths a later rule with no owners instead.',
    });
  }
  if (source.startsWith('\\#')) {
    problems.push({
      problem: `the pattern "${source}" escapes a leading "#" with "\\", which CODEOWNERS does not support`,
      fix: 'Match the file with a wildcard instead, for example "?name" or "/dir/*name".',
      ambiguous: true,
    });
  }
  let escaped = false;
  for (const ch of source) {
    if (escaped) {
      escaped = false;
    } else if (ch === '\\') {
      escaped = true;
    } else if (ch === '[' || ch === ']') {
      problems.push({
        problem: `the pattern "${source}" uses "[ ]" character ranges, which CODEOWNERS does not support`,
        fix: 'Write one rule per path, or use "?" or "*" wildcards.',
      });
      break;
    } else if (ch === '#') {
      problems.push({
        problem: `the pattern "${source}" contains "#", which GitHub may read as the start of a comment`,
        fix: 'Replace the "#" with "?" in the pattern.',
        ambiguous: true,
      });
      break;
    }
  }
  if (escaped) {
    problems.push({
      problem: `the pattern "${source}" ends with a lone "\\"`,
      fix: 'Remove the trailing backslash.',
      ambiguous: true,
    });
  }
  return problems;
}

function splitSegments(
  source: string,
  problems: GlobProblem[],
): { segments: RawSegment[]; leadingSlash: boolean; trailingSlash: boolean } | undefined {
  const segments: RawSegment[] = [];
  let current: RawSegment = { tokens: [], globstar: false };
  let raw = '';
  let escaped = false;
  const close = (): void => {
    current.globstar = raw === '**';
    segments.push(current);
    current = { tokens: [], globstar: false };
    raw = '';
  };
  for (const ch of source) {
    if (escaped) {
      escaped = false;
      raw += `\\${ch}`;
      if (ch === '/') close();
      else current.tokens.push(ch);
    } else if (ch === '\\') {
      escaped = true;
    } else if (ch === '/') {
      close();
    } else {
      raw += ch;
      current.tokens.push(ch === '*' ? STAR : ch === '?' ? QMARK : ch);
    }
  }
  close();
  const leadingSlash = segments.length > 1 && segments[0]!.tokens.length === 0;
  const trailingSlash = segments.length > 1 && segments[segments.length - 1]!.tokens.length === 0;
  const inner = segments.slice(leadingSlash ? 1 : 0, trailingSlash ? -1 : undefined);
  if (inner.length === 0) {
    problems.push({
      problem: `the pattern "${source}" names no file or directory, so it matches nothing`,
      fix: 'Use "*" to match every file.',
      ambiguous: true,
    });
    return undefined;
  }
  for (const seg of inner) {
    const text = seg.tokens.map((t) => (typeof t === 'string' ? t : '*')).join('');
    if (seg.tokens.length === 0) {
      problems.push({
        problem: `the pattern "${source}" contains an empty path segment ("//")`,
        fix: 'Use a single "/" between directories.',
        ambiguous: true,
      });
      return undefined;
    }
    if (text === '.' || text === '..') {
      problems.push({
        problem: `the pattern "${source}" contains a "${text}" segment, which never appears in repository paths`,
        fix: 'Write the path from the repository root without "." or "..".',
        ambiguous: true,
      });
      return undefined;
    }
  }
  return { segments: inner, leadingSlash, trailingSlash };
}
