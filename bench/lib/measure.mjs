// Whole-process timing, CPU time and peak RSS for the benchmark parts.
//
// Every measured command is a fresh process (node startup and module loading included, as a
// user or CI sees it). Wall time is taken around the child with a monotonic clock. Peak RSS is
// the child's maxrss, CPU time user+system of the child (all its threads, so it can exceed the
// wall time; steadier than wall time on a busy machine): through GNU `/usr/bin/time -f %M` when present (it adds a fork+exec of
// about a millisecond and nothing inside the measured process), else through the preload
// lib/rss-hook.mjs (node commands only).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const HOOK = join(dirname(fileURLToPath(import.meta.url)), 'rss-hook.mjs');
const GNU_TIME = '/usr/bin/time';
const TIME_FORMAT = '%M %U %S'; // peak RSS KiB, user s, system s

let rssMethod;

/** `gnu-time` when /usr/bin/time understands `-f %M -o FILE`, else `hook`. */
export function rssMethodName() {
  if (rssMethod) return rssMethod;
  rssMethod = 'hook';
  if (existsSync(GNU_TIME)) {
    const dir = mkdtempSync(join(tmpdir(), 'jit-bench-'));
    const out = join(dir, 'rss');
    const r = spawnSync(GNU_TIME, ['-f', TIME_FORMAT, '-o', out, process.execPath, '-e', '0']);
    const text = existsSync(out) ? readFileSync(out, 'utf8') : '';
    if (r.status === 0 && /^\d+ \d+\.\d+ \d+\.\d+\s*$/.test(text)) {
      rssMethod = 'gnu-time';
    }
    rmSync(dir, { recursive: true, force: true });
  }
  return rssMethod;
}

/**
 * Runs `node ARGS` once. Returns wall time (ms), CPU time (ms), peak RSS (KiB), exit code and
 * output.
 * `cmd.args` are node arguments (script first); `cmd.cwd` the working directory; `cmd.stdout`
 * `'ignore'` sends stdout to /dev/null (synchronous writes: a tool that calls process.exit()
 * right after printing loses nothing and does all its writing), default: captured.
 */
export function runOnce(cmd) {
  const dir = mkdtempSync(join(tmpdir(), 'jit-bench-'));
  const rssFile = join(dir, 'rss');
  const method = rssMethodName();
  let file = process.execPath;
  let args = cmd.args;
  const env = { ...process.env, ...cmd.env };
  if (method === 'gnu-time') {
    file = GNU_TIME;
    args = ['-f', TIME_FORMAT, '-o', rssFile, process.execPath, ...cmd.args];
  } else {
    args = ['--import', HOOK, ...cmd.args];
    env.JIT_BENCH_RSS_FILE = rssFile;
  }
  const t0 = process.hrtime.bigint();
  const r = spawnSync(file, args, {
    cwd: cmd.cwd,
    env,
    stdio: ['ignore', cmd.stdout ?? 'pipe', 'pipe'],
    maxBuffer: 512 * 1024 * 1024,
  });
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  let rssKiB = Number.NaN;
  let cpuMs = Number.NaN;
  if (existsSync(rssFile)) {
    // GNU time may prepend "Command exited with non-zero status N".
    const lines = readFileSync(rssFile, 'utf8').trim().split('\n');
    const [rss, user, sys] = lines[lines.length - 1].split(' ').map(Number);
    rssKiB = rss;
    cpuMs = (user + sys) * 1000;
  }
  rmSync(dir, { recursive: true, force: true });
  if (r.error) throw r.error;
  return {
    ms,
    cpuMs,
    rssKiB,
    code: r.status,
    signal: r.signal,
    stdout: r.stdout ? r.stdout.toString('utf8') : '',
    stderr: r.stderr.toString('utf8'),
  };
}

export function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/**
 * Measures several commands with `runs` repetitions each, round-robin (one run of each in
 * turn), so drift on a shared machine spreads over all of them. One untimed warm-up run of
 * each first (page cache, lazy compilation caches). `cmd.check(result)` may throw to reject a
 * run (wrong exit code, unexpected output): a benchmark of a failing command is meaningless.
 *
 * Returns, per command: median/min/max wall ms, median CPU ms, peak RSS (max over runs, MiB), the samples,
 * and the last run's result (for output inspection).
 */
export function measureInterleaved(cmds, { runs, warmup = 1, onRun } = {}) {
  const samples = cmds.map(() => []);
  const last = cmds.map(() => undefined);
  for (let w = 0; w < warmup; w++) {
    cmds.forEach((c, i) => {
      last[i] = runOnce(c);
      c.check?.(last[i]);
    });
  }
  for (let r = 0; r < runs; r++) {
    cmds.forEach((c, i) => {
      const res = runOnce(c);
      c.check?.(res);
      samples[i].push(res);
      last[i] = res;
      onRun?.(c, r, res);
    });
  }
  return cmds.map((c, i) => {
    const ms = samples[i].map((s) => s.ms);
    return {
      label: c.label,
      runs: ms.length,
      medianMs: median(ms),
      minMs: Math.min(...ms),
      maxMs: Math.max(...ms),
      samplesMs: ms,
      medianCpuMs: median(samples[i].map((s) => s.cpuMs)),
      peakRssMiB: Math.max(...samples[i].map((s) => s.rssKiB)) / 1024,
      last: last[i],
    };
  });
}
