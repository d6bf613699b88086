/** axe-core on the sidebar at a given width, with the counts recorded into test-results/a11y.json. */
import AxeBuilder from '@axe-core/playwright';
import { expect, IJupyterLabPageFixture } from '@jupyterlab/galata';
import * as fs from 'fs';
import * as path from 'path';
import { PANEL_ID, shot } from './helpers';

export const WIDTHS = [250, 400];
const IMPACTS = ['critical', 'serious', 'moderate', 'minor'] as const;
export const A11Y_FILE = path.join(__dirname, '..', 'test-results', 'a11y.json');

export interface IAxeCounts {
  /** violated rules per impact */
  critical: number;
  serious: number;
  moderate: number;
  minor: number;
  /** elements with a violation, all impacts together */
  nodes: number;
  /** rule id: "impact × elements" */
  rules: Record<string, string>;
  /** color-contrast checks axe could not decide (e.g. text over a gradient) */
  contrast_undecided: number;
}

/** Drag the sidebar's splitter until the panel is `width` px wide (±3 px). */
export async function setSidebarWidth(page: IJupyterLabPageFixture, width: number): Promise<void> {
  const panel = page.locator(`#${PANEL_ID}`);
  const handle = page.locator('#jp-main-split-panel > .lm-SplitPanel-handle').first();
  for (let i = 0; i < 4; i++) {
    const now = (await panel.boundingBox())!.width;
    if (Math.abs(now - width) <= 3) {
      return;
    }
    const box = (await handle.boundingBox())!;
    const y = box.y + box.height / 2;
    await page.mouse.move(box.x + box.width / 2, y);
    await page.mouse.down();
    await page.mouse.move(box.x + box.width / 2 + (width - now), y, { steps: 4 });
    await page.mouse.up();
  }
  expect(Math.abs((await panel.boundingBox())!.width - width)).toBeLessThanOrEqual(3);
}

/** Start a fresh a11y.json (one per run: an earlier run's states never linger). */
export function resetA11yFile(): void {
  fs.mkdirSync(path.dirname(A11Y_FILE), { recursive: true });
  fs.writeFileSync(A11Y_FILE, JSON.stringify({ states: {} }, null, 2));
}

function record(state: string, theme: string, width: number, counts: IAxeCounts): void {
  const data = fs.existsSync(A11Y_FILE)
    ? JSON.parse(fs.readFileSync(A11Y_FILE, 'utf-8'))
    : { states: {} };
  data.states[state] ??= {};
  data.states[state][theme] ??= {};
  data.states[state][theme][String(width)] = counts;
  fs.writeFileSync(A11Y_FILE, JSON.stringify(data, null, 2));
}

/**
 * axe-core on the panel at 250 and 400 px: records every impact's count, screenshots the 250 px
 * view, and fails on any serious or critical violation (listing the rules and elements).
 */
export async function checkState(
  page: IJupyterLabPageFixture,
  state: string,
  theme: 'light' | 'dark'
): Promise<void> {
  const problems: string[] = [];
  for (const width of WIDTHS) {
    await setSidebarWidth(page, width);
    // JupyterLab's <body> is 0 px tall; axe then skips color-contrast for everything on it
    await page.evaluate(() => (document.body.style.height = '100vh'));
    const result = await new AxeBuilder({ page }).include(`#${PANEL_ID}`).analyze();
    const counts: IAxeCounts = {
      critical: 0,
      serious: 0,
      moderate: 0,
      minor: 0,
      nodes: 0,
      rules: {},
      contrast_undecided:
        result.incomplete.find(r => r.id === 'color-contrast')?.nodes.length ?? 0
    };
    for (const v of result.violations) {
      const impact = (v.impact ?? 'minor') as (typeof IMPACTS)[number];
      counts[impact] += 1;
      counts.nodes += v.nodes.length;
      counts.rules[v.id] = `${impact} × ${v.nodes.length}`;
      if (impact === 'serious' || impact === 'critical') {
        for (const n of v.nodes) {
          problems.push(`${width}px ${v.id} (${impact}): ${n.target.join(' ')} — ${n.failureSummary}`);
        }
      }
    }
    record(state, theme, width, counts);
    if (width === 250) {
      await shot(page, `a11y-${state}-${theme}-250`);
    }
  }
  // soft: the walk goes on, so one run reports every state
  expect.soft(problems, `serious/critical axe violations in "${state}" (${theme})`).toEqual([]);
}
