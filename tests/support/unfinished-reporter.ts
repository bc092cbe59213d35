import type { Reporter, TestCase, TestModule, TestSpecification } from 'vitest/node';

/**
 * Names, at the end of a run, every test file that did not finish and the test that was running in it.
 * Vitest reports a test worker that dies ("Worker exited unexpectedly") without naming its file; CI keeps only
 * the log's tail, so this block, printed last, is where the file shows.
 */
export default class UnfinishedReporter implements Reporter {
  private readonly specified = new Set<string>();
  private readonly ended = new Set<string>();
  private readonly running = new Map<string, string>();

  onTestRunStart(specifications: ReadonlyArray<TestSpecification>): void {
    for (const s of specifications) this.specified.add(s.moduleId);
  }

  onTestCaseReady(testCase: TestCase): void {
    this.running.set(testCase.module.moduleId, testCase.fullName);
  }

  onTestCaseResult(testCase: TestCase): void {
    this.running.delete(testCase.module.moduleId);
  }

  onTestModuleEnd(testModule: TestModule): void {
    this.ended.add(testModule.moduleId);
  }

  onTestRunEnd(testModules: ReadonlyArray<TestModule>): void {
    const byId = new Map(testModules.map((m) => [m.moduleId, m]));
    const lines: string[] = [];
    for (const id of this.specified) {
      const m = byId.get(id);
      const state = m?.state() ?? 'never collected';
      if (this.ended.has(id) && state !== 'pending' && state !== 'queued') continue;
      const test = this.running.get(id);
      lines.push(`  ${m?.relativeModuleId ?? id}: ${state}${test ? `, in "${test}"` : ''}`);
    }
    if (lines.length === 0) return;
    process.stdout.write(`\nTest files that did not finish (their worker died or the run stopped):\n${lines.join('\n')}\n`);
  }
}
