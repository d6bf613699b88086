/** axe-core on the sidebar at a given width, with the counts recorded into test-results/a11y.json. */
import AxeBuilder from '@axe-core/playwright';
import { expect, IJupyterLabPageFixture } from '@jupyterlab/galata';
import { Locator } from '@playwright/test';
import * as fs from 'fs';
import * as path from 'path';
import { PANEL_ID, setPanelWidth, shot } from './helpers';

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
  expect(Math.abs((await setPanelWidth(page, width, 3)) - width)).toBeLessThanOrEqual(3);
}

/**
 * Start a fresh a11y.json once per run (never an earlier run's states; a worker restarted after a
 * failure keeps this run's): the run is named by its fake-cluster state file, fresh per run.
 */
export function resetA11yFile(): void {
  const run = process.env.OPTISERVE_UI_STATE ?? '';
  if (fs.existsSync(A11Y_FILE) && JSON.parse(fs.readFileSync(A11Y_FILE, 'utf-8')).run === run) {
    return;
  }
  fs.mkdirSync(path.dirname(A11Y_FILE), { recursive: true });
  fs.writeFileSync(A11Y_FILE, JSON.stringify({ run, states: {} }, null, 2));
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

export type Theme = 'light' | 'dark';

async function setTheme(page: IJupyterLabPageFixture, theme: Theme): Promise<void> {
  const dark = await page.evaluate(() => document.body.dataset.jpThemeLight === 'false');
  if (dark !== (theme === 'dark')) {
    await (theme === 'dark' ? page.theme.setDarkTheme() : page.theme.setLightTheme());
  }
}

/**
 * axe-core on the panel in both themes at 250 and 400 px, all four where the state is on screen
 * (the theme changes in place; the sidebar keeps its state). Records every impact's count,
 * screenshots each theme at 250 px, and fails (softly: the walk goes on, so one run reports every
 * state) on any serious or critical violation, listing rules and elements.
 * `show`, when given, is scrolled into view for the screenshot.
 */
export async function checkState(
  page: IJupyterLabPageFixture,
  state: string,
  show?: Locator
): Promise<void> {
  const t0 = Date.now();
  const lap = (what: string) => console.log(`  ${state}: ${what} at ${Date.now() - t0} ms`);
  const problems: string[] = [];
  const current: Theme = await page.evaluate(() =>
    document.body.dataset.jpThemeLight === 'false' ? 'dark' : 'light'
  );
  // the theme the page is in first: one theme change per state
  for (const theme of current === 'dark'
    ? (['dark', 'light'] as Theme[])
    : (['light', 'dark'] as Theme[])) {
    await setTheme(page, theme);
    lap(`${theme} theme`);
    for (const width of theme === current ? WIDTHS : [...WIDTHS].reverse()) {
      await setSidebarWidth(page, width);
      // JupyterLab's <body> is 0 px tall; axe then skips color-contrast for everything on it
      await page.evaluate(() => (document.body.style.height = '100vh'));
      // passing and inapplicable checks are not needed: leaving their details out saves time
      const result = await new AxeBuilder({ page })
        .include(`#${PANEL_ID}`)
        .options({ resultTypes: ['violations', 'incomplete'] })
        .analyze();
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
            problems.push(
              `${theme} ${width}px ${v.id} (${impact}): ${n.target.join(' ')} — ${n.failureSummary}`
            );
          }
        }
      }
      record(state, theme, width, counts);
      lap(`axe ${theme} ${width}px`);
      if (width === 250) {
        await show?.scrollIntoViewIfNeeded();
        await shot(page, `a11y-${state}-${theme}-250`);
      }
    }
  }
  console.log(`a11y ${state}: ${problems.length} serious/critical, ${Date.now() - t0} ms`);
  expect.soft(problems, `serious/critical axe violations in "${state}"`).toEqual([]);
}
