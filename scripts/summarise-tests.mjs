// Adds up the JSON reports of Vitest and Playwright into one closing line: "N passed, N failed".
// One line per report comes first, so a run of several passes (CI: the machine's Node, then
// Node 24 into .reports/node24-*.json) shows where each count came from. Each failed test is named
// with the head of its error right after its report's line: CI keeps only the tail of a run's
// output, and a failure scrolled out of it cannot be diagnosed.
import { readFileSync } from "node:fs";

const ERROR_LINES = 6;

// Strips colour codes and keeps the first lines of an error, enough to see what was expected.
function head(message) {
  return String(message ?? "")
    .replace(/\u001b\[[0-9;]*m/g, "")
    .split("\n")
    .filter((line) => line.trim() !== "")
    .slice(0, ERROR_LINES)
    .map((line) => `      ${line.slice(0, 200)}`)
    .join("\n");
}

function vitestFailures(report) {
  const out = [];
  for (const file of report.testResults ?? []) {
    for (const test of file.assertionResults ?? []) {
      if (test.status === "failed") {
        out.push({
          title: `${file.name} > ${test.fullName}`,
          error: (test.failureMessages ?? [])[0],
        });
      }
    }
    // A file that fails before its tests run (an import error, a hook) has no failed assertion.
    if (
      file.status === "failed" &&
      (file.assertionResults ?? []).every((t) => t.status !== "failed")
    ) {
      out.push({ title: file.name, error: file.message });
    }
  }
  return out;
}

function playwrightFailures(suite, out = []) {
  for (const child of suite.suites ?? []) playwrightFailures(child, out);
  for (const spec of suite.specs ?? []) {
    for (const test of spec.tests ?? []) {
      if (test.status !== "unexpected" && test.status !== "flaky") continue;
      // Flaky: passed on a retry; its first failed try says what went wrong.
      const tried = (test.results ?? []).filter((r) => r.error);
      const shown = test.status === "flaky" ? tried[0] : (test.results ?? []).at(-1);
      out.push({
        title: `${spec.file}:${spec.line} › ${spec.title}`,
        error: shown?.error?.message,
        flaky: test.status === "flaky",
      });
    }
  }
  return out;
}

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
  const failures = report.stats ? playwrightFailures(report) : vitestFailures(report);
  for (const failure of failures)
    console.log(
      `    ${failure.flaky ? "FLAKY (passed on retry)" : "FAILED"} ${failure.title}\n${head(failure.error)}`,
    );
  passed += counts.passed;
  failed += counts.failed;
  skipped += counts.skipped;
}
console.log(`tests: ${passed} passed, ${failed} failed, ${skipped} skipped`);
process.exit(failed > 0 || passed === 0 ? 1 : 0);
