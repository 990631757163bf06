// `npm test`: every check, in the order that fails fastest — types, lint, format, unit, integration,
// build, end-to-end — and one closing line with the counts of all test runners together.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';

mkdirSync('test-results', { recursive: true });
const totals = { passed: 0, failed: 0, skipped: 0 };
const failedSteps = [];

function step(name, command, args, env = {}) {
  const started = Date.now();
  console.log(`\n=== ${name}: ${command} ${args.join(' ')}`);
  const result = spawnSync(command, args, { stdio: 'inherit', env: { ...process.env, ...env } });
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  const ok = result.status === 0;
  console.log(
    `=== ${name}: ${ok ? 'ok' : `FAILED (exit ${result.status ?? result.signal})`} in ${seconds} s`,
  );
  if (!ok) failedSteps.push(name);
  return ok;
}

function countVitest(file) {
  if (!existsSync(file)) return;
  const report = JSON.parse(readFileSync(file, 'utf8'));
  totals.passed += report.numPassedTests ?? 0;
  totals.failed += report.numFailedTests ?? 0;
  totals.skipped += (report.numPendingTests ?? 0) + (report.numTodoTests ?? 0);
}

function countPlaywright(file) {
  if (!existsSync(file)) return;
  const stats = JSON.parse(readFileSync(file, 'utf8')).stats ?? {};
  totals.passed += (stats.expected ?? 0) + (stats.flaky ?? 0);
  totals.failed += stats.unexpected ?? 0;
  totals.skipped += stats.skipped ?? 0;
}

step('types', 'npx', ['tsc', '-p', 'tsconfig.node.json', '--noEmit']) &&
  step('types (renderer)', 'npx', ['tsc', '-p', 'tsconfig.renderer.json', '--noEmit']);
step('lint', 'npx', ['eslint', '--max-warnings', '0', '.']);
step('format', 'npx', ['prettier', '--check', '--log-level', 'warn', '.']);
step('unit', 'npx', [
  'vitest',
  'run',
  '--project',
  'unit',
  '--reporter',
  'default',
  '--reporter',
  'json',
  '--outputFile.json',
  'test-results/unit.json',
]);
countVitest('test-results/unit.json');
step('build', 'npm', ['run', 'build']);
step('integration', 'npx', [
  'vitest',
  'run',
  '--project',
  'integration',
  '--reporter',
  'default',
  '--reporter',
  'json',
  '--outputFile.json',
  'test-results/integration.json',
]);
countVitest('test-results/integration.json');
step('e2e', 'npx', ['playwright', 'test', '--reporter', 'list,json'], {
  PLAYWRIGHT_JSON_OUTPUT_NAME: 'test-results/e2e.json',
});
countPlaywright('test-results/e2e.json');

console.log(`\nsteps failed: ${failedSteps.length ? failedSteps.join(', ') : 'none'}`);
console.log(`tests: ${totals.passed} passed, ${totals.failed} failed, ${totals.skipped} skipped`);
process.exit(failedSteps.length ? 1 : 0);
