// Adds up the JSON reports of Vitest and Playwright into one closing line: "N passed, N failed".
// One line per report comes first, so a run of several passes (CI: the machine's Node, then
// Node 24 into .reports/node24-*.json) shows where each count came from.
import { readFileSync } from "node:fs";

let passed = 0;
let failed = 0;
let skipped = 0;
for (const file of process.argv.slice(2)) {
  const report = JSON.parse(readFileSync(file, "utf8"));
  const counts = { passed: 0, failed: 0, skipped: 0 };
  if (typeof report.numPassedTests === "number") {
    counts.passed = report.numPassedTests;
    counts.failed = report.numFailedTests;
    counts.skipped = report.numPendingTests + (report.numTodoTests ?? 0);
  } else if (report.stats) {
    counts.passed = report.stats.expected + report.stats.flaky;
    counts.failed = report.stats.unexpected;
    counts.skipped = report.stats.skipped;
  }
  // Worded unlike the closing line, which alone is read as the run's result.
  console.log(
    `  ${file}: passed ${counts.passed}, failed ${counts.failed}, skipped ${counts.skipped}`,
  );
  passed += counts.passed;
  failed += counts.failed;
  skipped += counts.skipped;
}
console.log(`tests: ${passed} passed, ${failed} failed, ${skipped} skipped`);
process.exit(failed > 0 || passed === 0 ? 1 : 0);
