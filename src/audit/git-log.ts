import { randomBytes } from 'node:crypto';
import { StringDecoder } from 'node:string_decoder';
import type { ChangeStatus, FileChange, HistoryCommit } from '../core/audit/history.js';
import { runGit } from './git-run.js';

/** Fields of one record, in the order of FORMAT below; the message (%B) is last. */
const FIELDS = ['%H', '%P', '%at', '%ct', '%an <%ae>', '%cn <%ce>', '%B'] as const;

/**
 * One `git log` over the first-parent chain of `sha`, oldest first, restricted to grants/:
 * `--diff-merges=first-parent` makes a merge commit report what it brought to the branch (its
 * diff against the first parent; a plain `git log` shows no diff for merges), `-M` pairs
 * renames, `--raw --no-abbrev` gives the full blob ids so the contents can be read in one batch,
 * `-z` keeps paths verbatim. Commits that do not touch grants/ are not listed (with
 * `--first-parent`, history simplification compares each commit with its first parent only).
 *
 * Each record starts with a random marker between NULs: neither a commit message nor a path can
 * contain a NUL, and the marker is unknown to whoever wrote the history, so no commit can forge
 * a record boundary.
 */
export function gitLogArgs(sha: string, mark: string): string[] {
  const format = `%x00${mark}%x00${FIELDS.join('%x00')}%x00`;
  return [
    'log',
    '--first-parent',
    '--reverse',
    '--root',
    '--diff-merges=first-parent',
    '-M',
    '--raw',
    '--no-abbrev',
    '-z',
    '--no-color',
    '--no-ext-diff',
    '--no-textconv',
    `--format=${format}`,
    sha,
    '--',
    'grants/',
  ];
}

/** Streams `git log` of `sha` in `root` and calls `onCommit` for each commit, oldest first. */
export async function readLog(
  root: string,
  sha: string,
  onCommit: (c: HistoryCommit) => void,
): Promise<void> {
  const mark = `JIT-AUDIT-${randomBytes(12).toString('hex')}`;
  const parser = createLogParser(mark, onCommit);
  const decoder = new StringDecoder('utf8');
  await runGit(root, gitLogArgs(sha, mark), { onStdout: (c) => parser.push(decoder.write(c)) });
  parser.push(decoder.end());
  parser.end();
}

/**
 * Incremental parser of the `git log` stream produced with `gitLogArgs(…, mark)`. Text is pushed
 * in arbitrary chunks; each complete record is parsed and handed over at once, so memory holds
 * one record, not the whole log.
 */
export function createLogParser(mark: string, onCommit: (c: HistoryCommit) => void) {
  const sep = `\u0000${mark}\u0000`;
  let buf = '';
  let scanFrom = sep.length;
  const flush = (record: string) => onCommit(parseRecord(record));
  return {
    push(text: string): void {
      buf += text;
      for (;;) {
        const at = buf.indexOf(sep, scanFrom);
        if (at === -1) {
          // Next time, only the tail that could hold the start of a separator is rescanned.
          scanFrom = Math.max(sep.length, buf.length - sep.length + 1);
          return;
        }
        if (!buf.startsWith(sep)) throw new Error('git log: output does not start with a record');
        flush(buf.slice(sep.length, at));
        buf = buf.slice(at);
        scanFrom = sep.length;
      }
    },
    end(): void {
      if (buf === '') return;
      if (!buf.startsWith(sep)) throw new Error('git log: output does not start with a record');
      flush(buf.slice(sep.length));
      buf = '';
    },
  };
}

const RAW = /^\n?:([0-7]{6}) ([0-7]{6}) ([0-9a-f]{40,64}) ([0-9a-f]{40,64}) ([A-Z])([0-9]*)$/;

/** One record: the fields, then `--raw -z` entries `:modes blobs status\0path\0[path\0]`. */
function parseRecord(record: string): HistoryCommit {
  const tokens = record.split('\u0000');
  if (tokens.length < FIELDS.length) {
    throw new Error(`git log: a record has ${tokens.length} fields, expected ${FIELDS.length}`);
  }
  const [sha, parents, at, ct, author, committer, message] = tokens as [
    string,
    string,
    string,
    string,
    string,
    string,
    string,
  ];
  const changes: FileChange[] = [];
  for (let i = FIELDS.length; i < tokens.length; i++) {
    const t = tokens[i]!;
    if (t === '' || t === '\n') continue;
    const m = RAW.exec(t);
    if (!m) throw new Error(`git log: unexpected raw diff entry ${JSON.stringify(t.slice(0, 80))}`);
    const [, oldMode, newMode, oldBlob, newBlob, letter] = m as unknown as string[];
    const status = statusOf(letter!);
    const first = tokens[++i];
    if (first === undefined) throw new Error('git log: a raw diff entry has no path');
    const zero = /^0+$/;
    const change: FileChange = {
      status,
      path: first,
      oldBlob: zero.test(oldBlob!) ? null : oldBlob!,
      newBlob: zero.test(newBlob!) ? null : newBlob!,
      oldMode: oldMode!,
      newMode: newMode!,
    };
    if (status === 'R') {
      const second = tokens[++i];
      if (second === undefined) throw new Error('git log: a rename has no new path');
      change.oldPath = first;
      change.path = second;
    }
    changes.push(change);
  }
  changes.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  return {
    sha,
    parents: parents === '' ? [] : parents.split(' '),
    authorTime: Number(at) * 1000,
    committerTime: Number(ct) * 1000,
    author,
    committer,
    message,
    changes,
  };
}

function statusOf(letter: string): ChangeStatus {
  if (letter === 'A' || letter === 'M' || letter === 'D' || letter === 'R' || letter === 'T')
    return letter;
  // C (copies) is never requested; U/X do not occur in history.
  throw new Error(`git log: unexpected change status ${letter}`);
}
