import type { BlobContent } from '../core/audit/history.js';
import { spawnGit } from './git-run.js';

/**
 * Reads many blobs with ONE `git cat-file --batch` process (one per blob would cost a process
 * start each: ten thousand grants would take minutes). Ids are fed while the caller is still
 * reading the log, so both git processes work at the same time. Output per requested id is
 * `<sha> <type> <size>\n<bytes>\n`, or `<sha> missing\n` (shallow or partial clones). Blobs
 * larger than `maxBytes` are skipped over, never kept: only their size is recorded.
 */
export function startBlobReader(root: string, maxBytes: number) {
  const out = new Map<string, BlobContent>();
  const asked = new Set<string>();
  const parser = createBatchParser(maxBytes, (sha, content) => out.set(sha, content));
  const git = spawnGit(root, ['cat-file', '--batch', '--buffer'], (c) => parser.push(c));
  let pending: string[] = [];
  const flush = () => {
    if (pending.length > 0) git.stdin.write(`${pending.join('\n')}\n`);
    pending = [];
  };
  return {
    /** Asks for a blob (each id once). */
    want(sha: string): void {
      if (asked.has(sha)) return;
      asked.add(sha);
      pending.push(sha);
      if (pending.length >= 512) flush();
    },
    /** Closes the request list and waits for every answer. */
    async finish(): Promise<Map<string, BlobContent>> {
      flush();
      git.stdin.end();
      await git.done;
      parser.end();
      return out;
    },
    /** Stops the process when the caller gives up (an error elsewhere). */
    abort(): void {
      git.stdin.end();
    },
  };
}

/** Incremental parser of `git cat-file --batch` output (binary-safe: sizes, not delimiters). */
export function createBatchParser(
  maxBytes: number,
  onBlob: (sha: string, content: BlobContent) => void,
) {
  let pending: Buffer = Buffer.alloc(0);
  // The object being read: its id, size, the bytes kept so far and how many are still to come.
  let current: {
    sha: string;
    blob: boolean;
    size: number;
    kept: Buffer[];
    keep: boolean;
    left: number;
  } | null = null;
  return {
    push(chunk: Buffer): void {
      pending = pending.length === 0 ? chunk : Buffer.concat([pending, chunk]);
      for (;;) {
        if (current) {
          // Body plus the trailing newline.
          const take = Math.min(current.left, pending.length);
          if (current.keep && take > 0) current.kept.push(pending.subarray(0, take));
          current.left -= take;
          pending = pending.subarray(take);
          if (current.left > 0) return;
          if (current.blob) {
            const bytes = current.keep
              ? Buffer.concat(current.kept).subarray(0, current.size)
              : null;
            onBlob(current.sha, { size: current.size, bytes });
          }
          current = null;
        }
        const nl = pending.indexOf(10);
        if (nl === -1) return;
        const header = pending.subarray(0, nl).toString('utf8');
        pending = pending.subarray(nl + 1);
        const m = /^([0-9a-f]{40,64}) ([a-z]+) ([0-9]+)$/.exec(header);
        if (!m) {
          if (/^[0-9a-f]{40,64} missing$/.test(header)) continue;
          throw new Error(
            `git cat-file: unexpected header ${JSON.stringify(header.slice(0, 100))}`,
          );
        }
        const size = Number(m[3]);
        // Only blobs are contents; anything else (a submodule's commit id) is skipped.
        const blob = m[2] === 'blob';
        current = {
          sha: m[1]!,
          blob,
          size,
          kept: [],
          keep: blob && size <= maxBytes,
          left: size + 1,
        };
      }
    },
    end(): void {
      if (current || pending.length > 0) throw new Error('git cat-file: output ended mid-object');
    },
  };
}
