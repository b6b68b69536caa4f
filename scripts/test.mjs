// `npm test`: every check the project has, in one command, ending with the plain line
// `N passed, N failed` that CI reads. Static checks (format+lint, types, dist freshness,
// workflow lint) count as one test each; vitest's tests are counted from its JSON report.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';

let passed = 0;
let failed = 0;
const failures = [];

function step(name, cmd, args, env = {}) {
  const t0 = Date.now();
  const r = spawnSync(cmd, args, { stdio: 'inherit', env: { ...process.env, ...env } });
  const ok = r.status === 0;
  console.log(`${ok ? 'ok  ' : 'FAIL'} ${name} (${((Date.now() - t0) / 1000).toFixed(1)} s)`);
  if (ok) passed++;
  else {
    failed++;
    failures.push(name);
  }
  return ok;
}

const only = process.argv.slice(2);
if (only.length === 0) {
  const sources = ['src', 'test', 'bench', 'scripts', 'demo'].filter((d) => existsSync(d));
  step('format and lint (biome)', 'npx', ['biome', 'check', ...sources]);
  step('typecheck (tsc --noEmit)', 'npx', ['tsc', '-p', 'tsconfig.json', '--noEmit']);
  rmSync('.tmp/dist-check', { recursive: true, force: true });
  mkdirSync('.tmp', { recursive: true });
  if (
    step('bundle builds', 'node', ['scripts/build.mjs'], { JIT_BUILD_OUTDIR: '.tmp/dist-check' })
  ) {
    const stale = [];
    const files = (dir) =>
      existsSync(dir)
        ? readdirSync(dir, { recursive: true, withFileTypes: true })
            .filter((e) => e.isFile())
            .map((e) => join(e.parentPath ?? e.path, e.name).slice(dir.length + 1))
        : [];
    const GENERATED = 'policy-validator.generated.js';
    const fresh = files('.tmp/dist-check');
    const committed = new Set(files('dist'));
    for (const f of fresh) {
      const target = f === GENERATED ? `src/core/schema/${GENERATED}` : `dist/${f}`;
      if (!existsSync(target) || !readFileSync(target).equals(readFileSync(`.tmp/dist-check/${f}`)))
        stale.push(target);
      committed.delete(f);
    }
    for (const f of committed) stale.push(`dist/${f} (no longer built)`);
    const ok = stale.length === 0;
    console.log(
      `${ok ? 'ok  ' : 'FAIL'} dist/ is current${ok ? '' : `: ${stale.join(', ')} differ from a fresh build; run \`npm run build\` and commit dist/`}`,
    );
    if (ok) passed++;
    else {
      failed++;
      failures.push('dist/ is current');
    }
  }
}

const report = '.tmp/vitest-report.json';
rmSync(report, { force: true });
spawnSync(
  'npx',
  ['vitest', 'run', '--reporter=default', '--reporter=json', `--outputFile=${report}`, ...only],
  {
    stdio: 'inherit',
  },
);
if (existsSync(report)) {
  const r = JSON.parse(readFileSync(report, 'utf8'));
  passed += r.numPassedTests;
  failed += r.numFailedTests;
  // A suite that fails to load has no tests but must still fail the run.
  const broken = r.testResults.filter(
    (t) => t.status === 'failed' && t.assertionResults.length === 0,
  );
  failed += broken.length;
  for (const t of r.testResults) {
    for (const a of t.assertionResults)
      if (a.status === 'failed') failures.push(`${t.name}: ${a.fullName}`);
  }
  for (const b of broken)
    failures.push(`${b.name}: suite failed to load (${(b.message ?? '').split('\n')[0]})`);
  if (r.numTotalTests === 0) {
    failed++;
    failures.push('vitest ran no test');
  }
} else {
  failed++;
  failures.push('vitest produced no report');
}
if (failures.length) console.log(`\nFailed:\n${failures.map((f) => `  - ${f}`).join('\n')}`);
console.log(`${passed} passed, ${failed} failed`);
process.exitCode = failed === 0 ? 0 : 1;
