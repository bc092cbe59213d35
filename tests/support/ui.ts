import { mkdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import type { Page } from 'playwright-core';

export const ARTIFACTS = join(process.cwd(), 'tests', 'artifacts');
const AXE_SOURCE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

export interface AxeViolation { id: string; impact: string; help: string; nodes: string[] }

/** Runs axe-core in the page and returns the serious and critical violations (with the offending selectors). */
export async function seriousViolations(page: Page): Promise<AxeViolation[]> {
  // evaluated, not added as a <script>: the page's CSP (rightly) refuses inline scripts
  if (!(await page.evaluate(() => 'axe' in window))) await page.evaluate(AXE_SOURCE);
  const violations = await page.evaluate(async () => {
    const result = await (window as any).axe.run(document, { resultTypes: ['violations'] });
    return result.violations.map((v: any) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.map((n: any) => n.target.join(' ')) }));
  });
  return violations.filter((v: AxeViolation) => v.impact === 'serious' || v.impact === 'critical');
}

/** Checks the page with axe in light and dark, and the high-contrast theme when asked. */
export async function accessibilityReport(page: Page): Promise<Record<string, AxeViolation[]>> {
  const report: Record<string, AxeViolation[]> = {};
  for (const scheme of ['light', 'dark'] as const) {
    await page.emulateMedia({ colorScheme: scheme });
    report[scheme] = await seriousViolations(page);
  }
  await page.emulateMedia({ colorScheme: 'light' });
  return report;
}

const PHONE = { width: 390, height: 844 };

/** Saves `<name>-light.png`, `<name>-dark.png` and `<name>-phone.png` under tests/artifacts/ for review. */
export async function screenshots(page: Page, name: string): Promise<string[]> {
  mkdirSync(ARTIFACTS, { recursive: true });
  const size = page.viewportSize();
  const files: string[] = [];
  const shot = async (suffix: string) => {
    const path = join(ARTIFACTS, `${name}-${suffix}.png`);
    await page.waitForTimeout(50); // let the repaint after a media change land
    await page.screenshot({ path });
    files.push(path);
  };
  await page.emulateMedia({ colorScheme: 'light' });
  await shot('light');
  await page.emulateMedia({ colorScheme: 'dark' });
  await shot('dark');
  await page.setViewportSize(PHONE);
  await shot('phone');
  if (size) await page.setViewportSize(size);
  await page.emulateMedia({ colorScheme: 'light' });
  return files;
}
