import { expect, IJupyterLabPageFixture } from '@jupyterlab/galata';
import { Locator } from '@playwright/test';
import { artifact, resetCluster } from './fake';

export const PANEL_ID = 'jupyter-optiserve-panel';
// the server's address, chosen once per run by playwright.config.js (a free port)
export const SERVER = process.env.OPTISERVE_UI_URL ?? 'http://localhost:8888';

/** Reset the fake cluster and make the server detect the hardware again (it caches the inventory). */
export async function freshCluster(
  page: IJupyterLabPageFixture,
  setup?: () => Promise<void>
): Promise<void> {
  await resetCluster();
  if (setup) {
    await setup();
  }
  const res = await page.request.get(`${SERVER}/optiserve/hardware?refresh=1`);
  expect(res.ok()).toBeTruthy();
}

/** Open the sidebar; resolves once the catalog is listed. Returns the panel locator. */
export async function openPanel(page: IJupyterLabPageFixture): Promise<Locator> {
  await page.sidebar.openTab(PANEL_ID);
  const panel = page.locator(`#${PANEL_ID}`);
  await expect(panel.getByRole('button', { name: /^Choose model / }).first()).toBeVisible();
  return panel;
}

export async function chooseModel(panel: Locator, id: string): Promise<void> {
  await panel.getByLabel('Search models', { exact: true }).fill(id);
  // the button's name is its visible text: "Choose model <id>" (hidden prefix), then family, size…
  await panel
    .getByRole('button', { name: new RegExp(`^Choose model ${escapeRegExp(id)}( |$)`) })
    .click();
}

/** Open a step (steps fold once the next one is shown); found by its step id, in any language. */
export async function expand(panel: Locator, step: string): Promise<void> {
  const toggle = panel.locator(`[data-step="${step}"] .jp-OptiServe-stepToggle`);
  await expect(toggle).toBeVisible();
  if ((await toggle.getAttribute('aria-expanded')) === 'false') {
    await toggle.click();
    await expect(toggle).toHaveAttribute('aria-expanded', 'true');
  }
}

/**
 * Drag the left sidebar's split handle until the panel is `width` px wide, give or take
 * `tolerance` px (Galata's setWidth assumes the side tab bar's width, so it lands a few px off).
 * Returns the width reached.
 */
export async function setPanelWidth(
  page: IJupyterLabPageFixture,
  width: number,
  tolerance: number
): Promise<number> {
  const panel = page.locator(`#${PANEL_ID}`);
  const handle = page
    .locator('#jp-main-split-panel > .lm-SplitPanel-handle:not(.lm-mod-hidden)')
    .first();
  for (let i = 0; i < 4; i++) {
    const now = (await panel.boundingBox())!.width;
    if (Math.abs(now - width) <= tolerance) {
      break;
    }
    const box = (await handle.boundingBox())!;
    const y = box.y + box.height / 2;
    await page.mouse.move(box.x + box.width / 2, y);
    await page.mouse.down();
    await page.mouse.move(box.x + box.width / 2 + (width - now), y, { steps: 4 });
    await page.mouse.up();
  }
  return (await panel.boundingBox())!.width;
}

/** `text` matched literally inside a RegExp. */
export function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

export function profiles(panel: Locator): Locator {
  return panel.getByRole('radiogroup', { name: 'Ranked profiles' }).getByRole('radio');
}

/** Wait for the ranking of `kpi` to be on screen; return the chosen (first) profile's name. */
export async function rankedFor(panel: Locator, kpi: string): Promise<string> {
  const wrap = panel.locator(`.jp-OptiServe-profilesWrap[data-kpi="${kpi}"]`);
  await expect(wrap.getByRole('radio').first()).toBeVisible();
  await expect(wrap.locator('[aria-busy="true"]')).toHaveCount(0);
  return (await wrap.locator('.jp-OptiServe-profileName').first().textContent()) ?? '';
}

/** Click a KPI card and measure, in the browser, the time until its ranking is rendered. */
export async function chooseKpiTimed(page: IJupyterLabPageFixture, kpi: string): Promise<number> {
  return page.evaluate(async k => {
    const card = document.querySelector(
      `#jupyter-optiserve-panel .jp-OptiServe-kpi[data-kpi="${k}"]`
    ) as HTMLElement;
    const t0 = performance.now();
    card.click();
    return new Promise<number>((resolve, reject) => {
      const check = () => {
        const wrap = document.querySelector(
          `#jupyter-optiserve-panel .jp-OptiServe-profilesWrap[data-kpi="${k}"]`
        );
        if (
          wrap &&
          wrap.querySelector('[role="radio"]') &&
          !wrap.querySelector('[aria-busy="true"]')
        ) {
          resolve(performance.now() - t0);
        } else if (performance.now() - t0 > 15000) {
          reject(new Error('profiles did not appear'));
        } else {
          requestAnimationFrame(check);
        }
      };
      check();
    });
  }, kpi);
}

/** Screenshot of the sidebar into test-results/screenshots/. */
export async function shot(page: IJupyterLabPageFixture, name: string): Promise<void> {
  await page.locator(`#${PANEL_ID}`).screenshot({ path: artifact(`${name}.png`) });
}

/** Console errors collected for the whole test. */
export function collectConsoleErrors(page: IJupyterLabPageFixture): string[] {
  const errors: string[] = [];
  page.on('console', msg => {
    if (msg.type() === 'error') {
      errors.push(msg.text());
      console.log(`[browser error] ${msg.text()}`);
    }
  });
  page.on('response', res => {
    if (res.status() >= 400) {
      console.log(`[http ${res.status()}] ${res.request().method()} ${res.url()}`);
    }
  });
  page.on('pageerror', err => {
    errors.push(String(err));
    console.log(`[page error] ${err}\n${err.stack}`);
  });
  return errors;
}

/**
 * Galata's wait for JupyterLab to start, with more patience: its 15 s is not always enough for the
 * first page of a run on a busy 2-core machine. `test.use({ waitForApplication: patientStart })`.
 */
export const patientStart = async (
  // Playwright reads a fixture's dependencies from this destructuring: it must stay one
  // eslint-disable-next-line no-empty-pattern
  {}: Record<string, unknown>,
  use: (wait: (page: any, helpers: any) => Promise<void>) => Promise<void>
): Promise<void> => {
  await use(async (page, helpers) => {
    await page.locator('#jupyterlab-splash').waitFor({ state: 'detached', timeout: 120000 });
    await helpers.waitForCondition(() => helpers.activity.isTabActive('Launcher'), 60000);
    if (!(await helpers.isInSimpleMode())) {
      await helpers.activity.activateTab('Launcher');
    }
  });
};
