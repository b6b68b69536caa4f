/**
 * Inert rendering of user-controlled text in Markdown PR comments (SPEC §10, THREATS "Comment
 * injection"). Design and evidence: docs/security-rendering.md.
 *
 * The text always ends up inside a code span or a fenced code block: GitHub renders neither
 * HTML nor @-mentions, #references, autolinks or emoji there, so `@acme/everyone` or
 * `<img src=x>` show as typed. What remains is making sure the text cannot leave the code:
 * - the fence is longer than any backtick run in the text (CommonMark's closing rule);
 * - `|` never appears raw, so a table cell cannot be split (GFM splits cells before parsing
 *   code spans): inline output closes the code span around each `|` and writes `\|`;
 * - newlines are collapsed in inline output, so no block structure can start;
 * - control, format (bidi, zero-width) and separator characters are removed, lone surrogates
 *   replaced, and the length is capped with a visible marker outside the code.
 */

export const INLINE_MAX = 200;
export const TEXT_MAX = 500;
export const BLOCK_MAX = 2000;
export const PATH_MAX = 300;

/**
 * Characters removed from user text: C0/C1 controls (tab and newline are handled separately),
 * every format character (Cf: bidi embeddings, overrides and isolates U+202A–U+202E,
 * U+2066–U+2069, marks U+200E/U+200F/U+061C, zero-width U+200B–U+200D, U+2060, U+FEFF, soft
 * hyphen, tag characters …), and lone surrogates (not valid UTF-8).
 */
const UNSAFE = /[\p{Cc}\p{Cf}\p{Cs}]/gu;
/** Line breaks other than `\n`: CRLF, CR, NEL, LINE and PARAGRAPH SEPARATOR. */
const LINE_BREAKS = /\r\n?|[\u0085\u2028\u2029]/g;

/**
 * Removes the characters a reader cannot see or that reorder what they see, keeping `\n` and
 * `\t`. Plain text, not Markdown-safe by itself: use the render functions below.
 */
export function cleanText(s: unknown): string {
  return asString(s)
    .replace(LINE_BREAKS, '\n')
    .replace(/[\v\f]/g, ' ')
    .replace(UNSAFE, (ch) => (ch === '\n' || ch === '\t' ? ch : ''));
}

/**
 * User text for a sentence or list item: one line, inside code, at most `maxLen` characters.
 * Also safe inside a table cell (same rendering as `inertInline`, with a longer default cap).
 */
export function inertText(s: unknown, maxLen = TEXT_MAX): string {
  return inertInline(s, maxLen);
}

/**
 * User text for a table cell or any inline position: newlines and tabs collapse to one
 * space; the text is a code span (split around each `|`, written `\|`); a truncation marker
 * follows when the text is longer than `maxLen` characters. Empty text renders as ''.
 */
export function inertInline(s: unknown, maxLen = INLINE_MAX): string {
  const oneLine = cleanText(s)
    .replace(/[ \t]*\n[ \t\n]*/g, ' ')
    .replace(/\t/g, ' ');
  const { text, dropped } = cap(oneLine, maxLen);
  return codeSpans(text) + marker(dropped, ' ');
}

/**
 * User text as a fenced code block, lines kept. The result starts with the opening fence and
 * ends with the closing fence (and the truncation marker line, if any); put it on lines of its
 * own at the start of a line, outside lists and block quotes.
 */
export function inertBlock(s: unknown, maxLen = BLOCK_MAX): string {
  const { text, dropped } = cap(cleanText(s), maxLen);
  const fence = '`'.repeat(Math.max(3, longestRun(text, '`') + 1));
  return `${fence}text\n${text}\n${fence}${marker(dropped, '\n')}`;
}

/**
 * A file path (for example from a pull request) as inline code. Unlike user prose, a path's
 * invisible characters are shown as `<U+202E>`-style escapes instead of removed, so a path
 * that merely looks like a valid grant path is visibly different.
 */
export function inertPath(p: unknown, maxLen = PATH_MAX): string {
  const shown = asString(p).replace(/[\p{Cc}\p{Cf}\p{Cs}\p{Zl}\p{Zp}]|(?! )\p{Zs}/gu, (ch) => {
    const cp = ch.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0');
    return `<U+${cp}>`;
  });
  return inertInline(shown, maxLen);
}

function asString(s: unknown): string {
  if (typeof s === 'string') return s;
  if (typeof s === 'number' || typeof s === 'boolean' || typeof s === 'bigint') return String(s);
  return '';
}

/** Keeps the first `maxLen` code points (never splitting a surrogate pair). */
function cap(s: string, maxLen: number): { text: string; dropped: number } {
  const limit = Number.isFinite(maxLen) ? Math.max(0, Math.floor(maxLen)) : TEXT_MAX;
  if (s.length <= limit) return { text: s, dropped: 0 };
  const chars = Array.from(s);
  if (chars.length <= limit) return { text: s, dropped: 0 };
  return { text: chars.slice(0, limit).join(''), dropped: chars.length - limit };
}

function marker(dropped: number, sep: string): string {
  if (dropped <= 0) return '';
  return `${sep}… (truncated, ${dropped} more character${dropped === 1 ? '' : 's'})`;
}

/**
 * Code spans for one line of text, `|` written as `\|` between spans. A space pads each side:
 * CommonMark strips one space from each end when both are present, so content that starts or
 * ends with a backtick or space still renders exactly.
 */
function codeSpans(text: string): string {
  if (text === '') return '';
  const ticks = '`'.repeat(longestRun(text, '`') + 1);
  return text
    .split('|')
    .map((part) => (part === '' ? '' : `${ticks} ${part} ${ticks}`))
    .join('\\|');
}

function longestRun(text: string, ch: string): number {
  let longest = 0;
  let run = 0;
  for (const c of text) {
    run = c === ch ? run + 1 : 0;
    if (run > longest) longest = run;
  }
  return longest;
}
