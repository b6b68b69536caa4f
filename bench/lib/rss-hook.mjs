// Preload for peak-RSS measurement when GNU time is not available:
//   JIT_BENCH_RSS_FILE=/tmp/x node --import ./bench/lib/rss-hook.mjs script.mjs
// Writes peak RSS (KiB) and CPU time to that file when the process exits.
import { writeFileSync } from 'node:fs';

const out = process.env.JIT_BENCH_RSS_FILE;
if (out) {
  process.on('exit', () => {
    const u = process.resourceUsage();
    // Same line as GNU time -f '%M %U %S': peak RSS KiB, user s, system s.
    writeFileSync(out, `${u.maxRSS} ${u.userCPUTime / 1e6} ${u.systemCPUTime / 1e6}`);
  });
}
