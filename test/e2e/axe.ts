import { readFile } from 'node:fs/promises';
import type { Page } from 'playwright-core';

/** One serious or critical axe-core finding: the rule, what it means, and the elements it found. */
export interface Violation {
  readonly id: string;
  readonly impact: 'serious' | 'critical';
  readonly help: string;
  readonly targets: readonly string[];
}

interface AxeResult {
  readonly violations: ReadonlyArray<{ id: string; impact: string | null; help: string; nodes: ReadonlyArray<{ target: unknown[] }> }>;
}
declare const axe: { run(context: unknown, options: unknown): Promise<AxeResult> };

const AXE = new URL('../../node_modules/axe-core/axe.min.js', import.meta.url).pathname;
let source: Promise<string> | undefined;

/**
 * The serious and critical accessibility violations axe-core finds on the page as it stands.
 * axe is evaluated through the DevTools protocol, which the page's strict CSP does not govern
 * (a script tag would be refused), so the page under test keeps its own policy.
 */
export const axeViolations = async (page: Page): Promise<Violation[]> => {
  source ??= readFile(AXE, 'utf8');
  if (!(await page.evaluate(() => typeof (globalThis as { axe?: unknown }).axe !== 'undefined'))) await page.evaluate(await source);
  const result = await page.evaluate(() => axe.run(document, { resultTypes: ['violations'] }));
  return result.violations
    .filter((v): v is typeof v & { impact: 'serious' | 'critical' } => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => ({ id: v.id, impact: v.impact, help: v.help, targets: v.nodes.map((n) => n.target.map(String).join(' ')) }));
};

/** The violations as lines for an assertion's message: "serious color-contrast (…): #a, #b". */
export const formatViolations = (violations: readonly Violation[]): string =>
  violations.map((v) => `${v.impact} ${v.id} (${v.help}): ${v.targets.slice(0, 5).join(', ')}${v.targets.length > 5 ? ' …' : ''}`).join('\n') || 'none';

declare const document: unknown;
