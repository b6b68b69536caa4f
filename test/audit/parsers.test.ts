import { execFileSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBatchParser } from '../../src/audit/git-blobs.js';
import { createLogParser, gitLogArgs } from '../../src/audit/git-log.js';
import { csvCell } from '../../src/cli/commands/audit.js';
import { pullRequestFromSubject } from '../../src/core/audit/events.js';
import type { BlobContent, HistoryCommit } from '../../src/core/audit/history.js';
import { ALICE, aliceGrant } from './helpers.js';
import { TestRepo } from './repo.js';

const MARK = 'JIT-AUDIT-0123456789abcdef';

function parseAll(chunks: string[], mark = MARK): HistoryCommit[] {
  const out: HistoryCommit[] = [];
  const p = createLogParser(mark, (c) => out.push(c));
  for (const c of chunks) p.push(c);
  p.end();
  return out;
}

const chunked = (s: string, n: number) => {
  const out: string[] = [];
  for (let i = 0; i < s.length; i += n) out.push(s.slice(i, i + n));
  return out;
};

describe('git log stream parser', () => {
  let r: TestRepo;
  let raw: string;
  beforeAll(() => {
    r = new TestRepo();
    r.write(ALICE, aliceGrant()).commit(
      // A message that imitates a record boundary and a raw diff entry: not a NUL in sight.
      `Add\n\nJIT-AUDIT-0123456789abcdef\n:100644 100644 ${'1'.repeat(40)} ${'2'.repeat(40)} M\ngrants/x.yaml`,
      '2026-12-04T10:00:00Z',
    );
    r.move(ALICE, 'grants/coupa/alice-renamed.yaml').commit('Rename', '2026-12-04T11:00:00Z');
    r.write('grants/coupa/b.yaml', aliceGrant({ requester: 'bob' }))
      .write('grants/netsuite/c.yaml', aliceGrant({ requester: 'carol' }))
      .commit('Two', '2026-12-04T12:00:00Z');
    r.remove('grants/coupa/b.yaml').commit('Remove', '2026-12-04T13:00:00Z');
    raw = execFileSync('git', gitLogArgs('HEAD', MARK), { cwd: r.dir, encoding: 'utf8' });
  });
  afterAll(() => r.cleanup());

  it('parses the records: shas, times, messages, A/R/D changes with full blob ids', () => {
    const commits = parseAll([raw]);
    expect(
      commits.map((c) => [
        c.message.split('\n')[0],
        c.committerTime,
        c.changes.map((ch) => [ch.status, ch.oldPath ?? null, ch.path]),
      ]),
    ).toEqual([
      ['Add', Date.parse('2026-12-04T10:00:00Z'), [['A', null, ALICE]]],
      [
        'Rename',
        Date.parse('2026-12-04T11:00:00Z'),
        [['R', ALICE, 'grants/coupa/alice-renamed.yaml']],
      ],
      [
        'Two',
        Date.parse('2026-12-04T12:00:00Z'),
        [
          ['A', null, 'grants/coupa/b.yaml'],
          ['A', null, 'grants/netsuite/c.yaml'],
        ],
      ],
      ['Remove', Date.parse('2026-12-04T13:00:00Z'), [['D', null, 'grants/coupa/b.yaml']]],
    ]);
    expect(commits[0]!.message).toContain(':100644 100644');
    expect(commits[0]!.parents).toHaveLength(1);
    const add = commits[0]!.changes[0]!;
    expect(add.oldBlob).toBeNull();
    expect(add.newBlob).toBe(r.git(['rev-parse', `${commits[0]!.sha}:${ALICE}`]));
    expect(commits[3]!.changes[0]!.newBlob).toBeNull();
  });

  it.each([1, 2, 3, 7, 64, 4096])('gives the same commits whatever the chunk size (%i)', (n) => {
    expect(parseAll(chunked(raw, n))).toEqual(parseAll([raw]));
  });

  it('refuses output that does not start with a record', () => {
    expect(() => parseAll(['garbage'])).toThrow(/does not start with a record/);
  });
});

describe('git cat-file --batch parser', () => {
  const sha = (d: string) => d.repeat(40);
  const body = Buffer.from('a\nb 1 2\n\u0000binary\n');
  const stream = Buffer.concat([
    Buffer.from(`${sha('a')} blob ${body.length}\n`),
    body,
    Buffer.from('\n'),
    Buffer.from(`${sha('b')} missing\n`),
    Buffer.from(`${sha('c')} blob 20\n`),
    Buffer.alloc(20, 120),
    Buffer.from('\n'),
    Buffer.from(`${sha('d')} commit 3\nabc\n`),
    Buffer.from(`${sha('e')} blob 0\n\n`),
  ]);

  it.each([1, 5, 64, stream.length])(
    'reads sizes, skips missing and non-blobs, caps large blobs (chunks of %i)',
    (n) => {
      const got = new Map<string, BlobContent>();
      const p = createBatchParser(10, (s, c) => got.set(s, c));
      for (let i = 0; i < stream.length; i += n) p.push(stream.subarray(i, i + n));
      p.end();
      expect(
        [...got.entries()].map(([s, c]) => [
          s[0],
          c.size,
          c.bytes && Buffer.from(c.bytes).toString('latin1'),
        ]),
      ).toEqual([
        ['a', body.length, null], // 17 bytes, over the cap of 10
        ['c', 20, null],
        ['e', 0, ''],
      ]);
      const wide = new Map<string, BlobContent>();
      const q = createBatchParser(1024, (s, c) => wide.set(s, c));
      q.push(stream);
      q.end();
      expect(Buffer.from(wide.get(sha('a'))!.bytes!)).toEqual(body);
    },
  );

  it('output ending mid-object is an error', () => {
    const p = createBatchParser(10, () => {});
    p.push(Buffer.from(`${sha('a')} blob 5\nab`));
    expect(() => p.end()).toThrow(/mid-object/);
  });
});

describe('pull request number from the subject line', () => {
  it.each([
    ['Merge pull request #12 from acme/alice-coupa\n\nbody (#99)', 12],
    ['Request coupa access (#34)', 34],
    ['Request coupa access (#34)\n\nJit-Grant: x', 34],
    ['Revert "Request coupa access (#34)"', null],
    ['Revert "Request coupa access (#34)" (#35)', 35],
    ['Fix #12', null],
    ['(#12) at the start', null],
    ["Merge branch 'alice'", null],
  ])('%j → %s', (message, pr) => {
    expect(pullRequestFromSubject(message)).toBe(pr);
  });
});

describe('CSV cells', () => {
  it.each([
    ['plain', 'plain'],
    ['a,b', '"a,b"'],
    ['say "hi"', '"say ""hi"""'],
    ['two\nlines', '"two\nlines"'],
    ['=1+1', "'=1+1"],
    ['+1', "'+1"],
    ['-1', "'-1"],
    ['@SUM(A1)', "'@SUM(A1)"],
    ['\t=1', "'\t=1"],
    ['=A1,B1', `"'=A1,B1"`],
    ['a=1', 'a=1'],
    ['', ''],
  ])('%j → %j', (value, cell) => {
    expect(csvCell(value)).toBe(cell);
  });
});
