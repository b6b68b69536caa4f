import { finding } from '../codes.js';
import { fail, type Result } from '../result.js';

const UTF8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false });

/**
 * Turns the raw bytes of a repository file into text, refusing what SPEC §2 refuses before any
 * parser sees it: files over the size cap (E_TOO_LARGE), UTF-16/32 and invalid UTF-8 (E_ENCODING).
 * The size check runs first so a huge file costs nothing more than its length.
 */
export function decodeFile(bytes: Uint8Array, path: string, maxBytes: number): Result<string> {
  if (bytes.byteLength > maxBytes) {
    return fail(
      finding(
        'E_TOO_LARGE',
        `${path}: the file is ${bytes.byteLength} bytes; the limit is ${maxBytes} bytes (${maxBytes / 1024} KiB). Shorten it.`,
        { path },
      ),
    );
  }
  const wide = wideEncoding(bytes);
  if (wide) {
    return fail(finding('E_ENCODING', `${path}: the file is ${wide}; save it as UTF-8.`, { path }));
  }
  try {
    return { ok: true, value: UTF8.decode(bytes) };
  } catch {
    const at = firstInvalidUtf8(bytes);
    return fail(
      finding('E_ENCODING', `${path}: invalid UTF-8 at byte ${at}; save the file as UTF-8.`, {
        path,
      }),
    );
  }
}

function wideEncoding(b: Uint8Array): string | undefined {
  if (b.length >= 4 && b[0] === 0 && b[1] === 0 && b[2] === 0xfe && b[3] === 0xff)
    return 'UTF-32BE';
  if (b.length >= 4 && b[0] === 0xff && b[1] === 0xfe && b[2] === 0 && b[3] === 0)
    return 'UTF-32LE';
  if (b.length >= 2 && b[0] === 0xfe && b[1] === 0xff) return 'UTF-16BE';
  if (b.length >= 2 && b[0] === 0xff && b[1] === 0xfe) return 'UTF-16LE';
  // Without a BOM, UTF-16/32 text of ASCII content has NUL bytes, which UTF-8 YAML never has.
  if (b.indexOf(0) !== -1) return 'not UTF-8 text (it contains NUL bytes; UTF-16 or UTF-32?)';
  return undefined;
}

function firstInvalidUtf8(b: Uint8Array): number {
  // Binary search is overkill; a linear decode of prefixes would be quadratic. Walk sequences.
  let i = 0;
  while (i < b.length) {
    const c = b[i]!;
    const n =
      c < 0x80
        ? 1
        : c >= 0xc2 && c <= 0xdf
          ? 2
          : c >= 0xe0 && c <= 0xef
            ? 3
            : c >= 0xf0 && c <= 0xf4
              ? 4
              : 0;
    if (n === 0) return i;
    try {
      UTF8.decode(b.subarray(i, i + n));
    } catch {
      return i;
    }
    i += n;
  }
  return i;
}
