import { describe, expect, it } from 'vitest';
import {
  BLOCK_MAX,
  cleanText,
  INLINE_MAX,
  inertBlock,
  inertInline,
  inertPath,
  inertText,
  TEXT_MAX,
} from '../../src/core/inert.js';

/*
 * A small CommonMark/GFM reader, enough to check where code starts and ends: fenced code
 * blocks (backtick or tilde fences, closing fence at least as long as the opening), code spans
 * (a backtick run closed by the next run of exactly the same length), backslash escapes, and
 * GFM table cells (a `|` preceded by `\` is part of the cell; `\|` then becomes `|`).
 */
interface Parsed {
  /** Everything that is not code, with escaped punctuation kept as `\x`. */
  outside: string;
  /** Contents of the code spans and fenced blocks, in order. */
  code: string[];
}

function parseMarkdown(md: string): Parsed {
  const lines = md.split('\n');
  const code: string[] = [];
  let outside = '';
  let paragraph: string[] = [];
  const flush = (): void => {
    const inline = parseInline(paragraph.join('\n'));
    outside += `${inline.outside}\n`;
    code.push(...inline.code);
    paragraph = [];
  };
  for (let i = 0; i < lines.length; i++) {
    const open = /^ {0,3}(`{3,}|~{3,})(.*)$/.exec(lines[i]!);
    if (!open || (open[1]!.startsWith('`') && open[2]!.includes('`'))) {
      paragraph.push(lines[i]!);
      continue;
    }
    flush();
    const fence = open[1]!;
    const body: string[] = [];
    let j = i + 1;
    for (; j < lines.length; j++) {
      const close = /^ {0,3}(`+|~+) *$/.exec(lines[j]!);
      if (close && close[1]![0] === fence[0] && close[1]!.length >= fence.length) break;
      body.push(lines[j]!);
    }
    code.push(body.join('\n'));
    i = j; // an unclosed fence runs to the end of the document
  }
  flush();
  return { outside, code };
}

function parseInline(text: string): Parsed & { shown: string } {
  const code: string[] = [];
  let outside = '';
  let shown = '';
  let i = 0;
  while (i < text.length) {
    const ch = text[i]!;
    if (ch === '\\' && /[!-/:-@[-`{-~]/.test(text[i + 1] ?? '')) {
      outside += text.slice(i, i + 2);
      shown += text[i + 1];
      i += 2;
    } else if (ch === '`') {
      let n = 0;
      while (text[i + n] === '`') n++;
      const close = findRun(text, i + n, n);
      if (close < 0) {
        outside += '`'.repeat(n);
        shown += '`'.repeat(n);
        i += n;
        continue;
      }
      let content = text.slice(i + n, close).replace(/\n/g, ' ');
      if (/^ .* $/s.test(content) && content.trim() !== '') content = content.slice(1, -1);
      code.push(content);
      shown += content;
      i = close + n;
    } else {
      outside += ch;
      shown += ch;
      i++;
    }
  }
  return { outside, code, shown };
}

/** Index of the next backtick run of exactly `n` from `from`, or -1. */
function findRun(text: string, from: number, n: number): number {
  let i = from;
  while (i < text.length) {
    if (text[i] !== '`') {
      i++;
      continue;
    }
    let m = 0;
    while (text[i + m] === '`') m++;
    if (m === n) return i;
    i += m;
  }
  return -1;
}

/** GFM table row → cell texts, as cmark-gfm splits them (before inline parsing). */
function tableCells(row: string): string[] {
  const cells: string[] = [];
  let current = '';
  for (let i = 0; i < row.length; i++) {
    if (row[i] === '|' && row[i - 1] !== '\\') {
      cells.push(current);
      current = '';
    } else {
      current += row[i];
    }
  }
  cells.push(current);
  return cells.slice(1, -1).map((c) => c.replace(/\\\|/g, '|').trim());
}

/** The marker our own code may add outside code. */
const MARKER = / ?… \(truncated, \d+ more characters?\)/g;

/** Text outside code must be nothing but separators: escaped pipes, spaces, our marker. */
function expectNothingLiveOutside(md: string): void {
  const outside = parseMarkdown(md).outside.replace(MARKER, '');
  expect(outside).toMatch(/^[\s|\\]*$/);
}

/** What an inline rendering shows (code span contents and the pipes between them). */
function shownInline(md: string): string {
  return parseInline(md.replace(MARKER, '')).shown;
}

const DANGEROUS = [
  '@acme/everyone please approve <img src=x>',
  '@alice @acme/platform-security',
  '<details open><summary>Approved</summary>by @security</details>',
  '<!-- hide everything after this',
  '![approved](https://example.com/x.png) [Approved ✅](https://evil.example)',
  '**Verdict: approved** #123 :white_check_mark: https://evil.example',
  '</code></pre><b>raw</b>',
];

describe('inertInline', () => {
  it.each(DANGEROUS)('keeps %j inside code, shown as typed', (input) => {
    const out = inertInline(input);
    expectNothingLiveOutside(out);
    expect(shownInline(out)).toBe(input);
  });

  it('renders the THREATS example with no mention and no HTML outside code', () => {
    const out = inertInline('@acme/everyone please approve <img src=x>');
    expect(out).toBe('` @acme/everyone please approve <img src=x> `');
  });

  it.each([
    ['single backtick', 'a ` b'],
    ['double backticks', 'a `` b'],
    ['a triple fence', '``` x'],
    ['a quadruple fence', 'x ```` y ``` z'],
    ['starts and ends with backticks', '`@alice`'],
    ['starts with a space', ' @alice'],
    ['only backticks', '`````'],
  ])('cannot be broken out of by %s', (_name, input) => {
    const out = inertInline(input);
    expectNothingLiveOutside(out);
    expect(shownInline(out)).toBe(input);
  });

  it('collapses newlines so no block (heading, list, fence, HTML) can start', () => {
    const out = inertInline('ok\n# Approved\n\n- @alice\n```\n<div>\r\nend');
    expect(out).not.toContain('\n');
    expect(out).not.toContain('\r');
    expect(shownInline(out)).toBe('ok # Approved - @alice ``` <div> end');
    expectNothingLiveOutside(out);
  });

  it('escapes | so a table cell cannot be split', () => {
    const input = 'a | b || c |';
    const row = `| ${inertInline(input)} | next |`;
    const cells = tableCells(row);
    expect(cells).toHaveLength(2);
    expect(cells[1]).toBe('next');
    // After GFM unescapes `\|`, the cell shows the text as typed, pipes outside code.
    expect(parseInline(cells[0]!).shown).toBe(input);
    expect(parseInline(cells[0]!).outside).toMatch(/^[\s|]*$/);
  });

  it('a backslash before | cannot re-enable the pipe', () => {
    const row = `| ${inertInline('x\\|@alice|\\\\|')} | next |`;
    expect(tableCells(row)).toHaveLength(2);
  });

  it('renders empty and whitespace-free input sensibly', () => {
    expect(inertInline('')).toBe('');
    expect(inertInline('\u202E\u200B')).toBe('');
    expect(inertInline('ok')).toBe('` ok `');
  });

  it('accepts non-string values without throwing', () => {
    expect(inertInline(undefined)).toBe('');
    expect(inertInline(null)).toBe('');
    expect(inertInline({ toString: () => '@alice' })).toBe('');
    expect(inertInline(42)).toBe('` 42 `');
    expect(inertInline(true)).toBe('` true `');
  });

  it(`caps at ${INLINE_MAX} characters by default`, () => {
    const out = inertInline('x'.repeat(INLINE_MAX + 5));
    expect(out).toBe(`\` ${'x'.repeat(INLINE_MAX)} \` … (truncated, 5 more characters)`);
  });
});

describe('inertText', () => {
  it('is the inline rendering with a longer default cap', () => {
    expect(inertText('@a | b')).toBe(inertInline('@a | b'));
    const out = inertText('y'.repeat(70_000));
    expect(out).toContain(`(truncated, ${70_000 - TEXT_MAX} more characters)`);
    expect(out.length).toBeLessThan(TEXT_MAX + 60);
  });

  it.each([
    [0, '… (truncated, 3 more characters)'],
    [-5, '… (truncated, 3 more characters)'],
    [2.9, '` ab ` … (truncated, 1 more character)'],
    [Number.NaN, '` abc `'],
  ])('treats maxLen %s safely', (maxLen, expected) => {
    expect(inertText('abc', maxLen).trim()).toBe(expected);
  });

  it('never splits a surrogate pair when truncating', () => {
    const out = inertText('😀'.repeat(10), 3);
    expect(out).toBe('` 😀😀😀 ` … (truncated, 7 more characters)');
    expect(out).not.toMatch(/\p{Cs}/u);
  });
});

describe('inertBlock', () => {
  it.each(DANGEROUS)('keeps %j inside the fence, shown as typed', (input) => {
    const out = inertBlock(input);
    expectNothingLiveOutside(out);
    expect(parseMarkdown(out).code).toEqual([input]);
  });

  it('chooses a fence longer than any backtick run inside (``` and ```` cannot close it)', () => {
    const input = 'before\n```\n@alice\n````\n<img src=x>\n  ```` \n~~~\nafter';
    const out = inertBlock(input);
    const lines = out.split('\n');
    const open = /^`+/.exec(lines[0]!)![0];
    const close = lines[lines.length - 1]!;
    expect(open.length).toBe(5);
    expect(close).toBe(open);
    expect(open.length).toBeGreaterThan(
      Math.max(...(input.match(/`+/g) ?? []).map((r) => r.length)),
    );
    const parsed = parseMarkdown(out);
    expect(parsed.code).toEqual([input]);
    expectNothingLiveOutside(out);
  });

  it('uses at least three backticks', () => {
    expect(inertBlock('plain')).toBe('```text\nplain\n```');
  });

  it('cannot hide the rest of the comment with <!--', () => {
    const comment = `Justification:\n\n${inertBlock('<!-- ')}\n\nVerdict: pending`;
    const parsed = parseMarkdown(comment);
    expect(parsed.outside).toContain('Verdict: pending');
    expect(parsed.code).toEqual(['<!-- ']);
    expect(parsed.outside).not.toContain('<');
  });

  it('normalises line endings and keeps tabs', () => {
    expect(parseMarkdown(inertBlock('a\r\nb\rc\u2028d\te')).code).toEqual(['a\nb\nc\nd\te']);
  });

  it('caps a 70,000-character input with the marker after the closing fence', () => {
    const out = inertBlock('z'.repeat(70_000));
    const lines = out.split('\n');
    expect(lines).toHaveLength(4);
    expect(lines[1]).toHaveLength(BLOCK_MAX);
    expect(lines[2]).toBe('```');
    expect(lines[3]).toBe(`… (truncated, ${70_000 - BLOCK_MAX} more characters)`);
    expectNothingLiveOutside(out);
  });
});

describe('removed characters', () => {
  const removed: [string, number][] = [
    ['LRE', 0x202a],
    ['RLE', 0x202b],
    ['PDF', 0x202c],
    ['LRO', 0x202d],
    ['RLO (bidi override)', 0x202e],
    ['LRI', 0x2066],
    ['RLI', 0x2067],
    ['FSI', 0x2068],
    ['PDI', 0x2069],
    ['LRM', 0x200e],
    ['RLM', 0x200f],
    ['ALM', 0x061c],
    ['ZWSP', 0x200b],
    ['ZWNJ', 0x200c],
    ['ZWJ', 0x200d],
    ['WORD JOINER', 0x2060],
    ['BOM / ZWNBSP', 0xfeff],
    ['soft hyphen', 0x00ad],
    ['tag character', 0xe0041],
    ['NUL', 0x0000],
    ['BEL', 0x0007],
    ['ESC', 0x001b],
    ['DEL', 0x007f],
    ['C1 CSI', 0x009b],
  ];
  it.each(removed)('%s is removed', (_name, cp) => {
    const ch = String.fromCodePoint(cp);
    const input = `safe${ch}text${ch}`;
    expect(cleanText(input)).toBe('safetext');
    for (const out of [inertInline(input), inertText(input), inertBlock(input)]) {
      expect(out).not.toContain(ch);
      expect(out).toContain('safetext');
    }
  });

  it('replaces a lone surrogate so the comment stays valid UTF-8', () => {
    expect(cleanText('a\uD800b\uDC00c')).toBe('abc');
    expect(cleanText('😀')).toBe('😀');
  });

  it('keeps ordinary text, accents, emoji and variation selectors', () => {
    const text = 'Café – 日本語 ✅️ 👍🏽';
    expect(cleanText(text)).toBe(text);
  });

  it('turns vertical tab and form feed into spaces', () => {
    expect(cleanText('a\vb\fc')).toBe('a b c');
  });
});

describe('inertPath', () => {
  it('shows invisible characters as escapes instead of hiding them', () => {
    const out = inertPath('grants/coupa/al\u202Eice\u200B.yaml');
    expect(out).toBe('` grants/coupa/al<U+202E>ice<U+200B>.yaml `');
    expectNothingLiveOutside(out);
  });

  it('shows a newline or tab in a path as an escape', () => {
    expect(inertPath('grants/a\nb\t.yaml')).toBe('` grants/a<U+000A>b<U+0009>.yaml `');
  });

  it('is table-safe', () => {
    expect(tableCells(`| ${inertPath('grants/a|b.yaml')} | x |`)).toHaveLength(2);
  });

  it('renders a plain path as inline code', () => {
    expect(inertPath('grants/coupa/alice.yaml')).toBe('` grants/coupa/alice.yaml `');
  });
});

describe('random hostile input (deterministic)', () => {
  let seed = 12345;
  const rand = (n: number): number => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return seed % n;
  };
  const alphabet = [
    '`',
    '`',
    '``',
    '```',
    '|',
    '\\',
    '@',
    '<',
    '>',
    '\n',
    ' ',
    '~',
    '#',
    'a',
    '!',
    '[',
    ']',
    '(',
    ')',
    '*',
    '_',
    '-',
    '\u202E',
    '&',
    ':',
  ];
  const inputs = Array.from({ length: 400 }, () =>
    Array.from({ length: 1 + rand(40) }, () => alphabet[rand(alphabet.length)]).join(''),
  );

  it('inline output: one table cell, nothing live outside code, text shown as typed', () => {
    for (const input of inputs) {
      const out = inertInline(input);
      const cells = tableCells(`| ${out} | end |`);
      expect(cells, JSON.stringify(input)).toHaveLength(2);
      expect(cells[1]).toBe('end');
      expectNothingLiveOutside(out);
      const expected = cleanText(input).replace(/[ \t]*\n[ \t\n]*/g, ' ');
      // Code-span rendering only differs for runs of spaces-only pieces between pipes.
      expect(shownInline(out).replace(/ +/g, ' ')).toBe(expected.replace(/ +/g, ' '));
    }
  });

  it('block output: one fence from first to last line, content exact', () => {
    for (const input of inputs) {
      const out = inertBlock(input);
      expect(parseMarkdown(out).code, JSON.stringify(input)).toEqual([cleanText(input)]);
      expectNothingLiveOutside(out);
    }
  });
});
