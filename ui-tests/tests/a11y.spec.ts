/**
 * axe-core on every main state of the sidebar, in Light and Dark, at 250 and 400 px: no serious or
 * critical violation. Each state is reached once per theme and checked at both widths there; the
 * counts (all impacts) go to test-results/a11y.json, 250 px screenshots to test-results/screenshots.
 */
import { expect, IJupyterLabPageFixture, test } from '@jupyterlab/galata';
import { Locator } from '@playwright/test';
import { checkState, resetA11yFile } from './a11y';
import { fake, readState } from './fake';
import { chooseModel, freshCluster, openPanel, rankedFor, SERVER } from './helpers';

type Theme = 'light' | 'dark';

test.beforeAll(() => resetA11yFile());

/** The fake cluster's simulated KServe: `scenario` for the next InferenceService, `step` s a phase. */
async function scenario(name: string, step = 0.1): Promise<void> {
  await fake('scenario', {
    default: name,
    simulate: true,
    step_seconds: step,
    endpoint_url: readState().stub
  });
}

/** Open step 1 again (it folds once a model is chosen) and choose `id`. */
async function switchModel(panel: Locator, id: string): Promise<void> {
  const toggle = panel.getByRole('button', { name: /^Step 1: Model/ });
  if ((await toggle.getAttribute('aria-expanded')) === 'false') {
    await toggle.click();
  }
  await chooseModel(panel, id);
}

/** Preview the chosen profile, deploy it and confirm; returns step 6's deployment. */
async function previewAndDeploy(
  page: IJupyterLabPageFixture,
  panel: Locator,
  theme: Theme,
  check: boolean
): Promise<Locator> {
  await panel.getByRole('button', { name: 'Preview deployment' }).click();
  await expect(panel.getByLabel('Preflight summary', { exact: true })).toContainText('0 fail');
  if (check) {
    await checkState(page, 'preview', theme);
  }
  await panel.getByRole('button', { name: 'Deploy', exact: true }).click();
  await expect(panel.getByRole('alertdialog', { name: 'Confirm deployment' })).toBeVisible();
  if (check) {
    await checkState(page, 'confirm', theme);
  }
  await panel.getByRole('button', { name: 'Confirm deploy' }).click();
  return panel.locator('[data-step="deploy"] .jp-OptiServe-deploy');
}

/** Hardware detection again, from the sidebar (the server caches the inventory). */
async function detectAgain(page: IJupyterLabPageFixture, panel: Locator): Promise<void> {
  expect((await page.request.get(`${SERVER}/optiserve/hardware?refresh=1`)).ok()).toBeTruthy();
  const toggle = panel.getByRole('button', { name: /^Step 3: Hardware/ });
  if ((await toggle.getAttribute('aria-expanded')) === 'false') {
    await toggle.click();
  }
  await panel.getByRole('button', { name: 'Detect hardware again' }).click();
}

async function walk(page: IJupyterLabPageFixture, theme: Theme): Promise<void> {
  await freshCluster(page);
  if (theme === 'dark') {
    await page.theme.setDarkTheme();
  }
  const panel = await openPanel(page);
  await checkState(page, 'catalog', theme);

  await chooseModel(panel, 'granite-3.1-8b-instruct');
  await rankedFor(panel, 'balanced');
  await checkState(page, 'profiles', theme);

  // slow phases (2 s each): "deploying" stays on screen while axe runs at both widths
  await scenario('success', 2);
  const deployment = await previewAndDeploy(page, panel, theme, true);
  await expect(deployment.getByLabel('Deployment phases', { exact: true })).toBeVisible();
  await checkState(page, 'deploying', theme);
  await expect(deployment.getByLabel('Deployment state', { exact: true })).toHaveText('ready', {
    timeout: 45000
  });
  await expect(deployment.getByLabel('Endpoint URL', { exact: true })).toBeVisible();
  await checkState(page, 'ready', theme);

  await panel.getByRole('tab', { name: 'Deployments' }).click();
  await expect(panel.getByRole('listitem', { name: /^Deployment / })).not.toHaveCount(0);
  await checkState(page, 'deployments', theme);
  await panel.getByRole('tab', { name: 'New' }).click();

  // nothing fits: a 70B model on one L4
  await scenario('crashloop');
  const hwToggle = panel.getByRole('button', { name: /^Step 3: Hardware/ });
  if ((await hwToggle.getAttribute('aria-expanded')) === 'false') {
    await hwToggle.click();
  }
  await panel.getByLabel('Accelerator override', { exact: true }).selectOption('l4');
  await panel.getByLabel('GPU count', { exact: true }).fill('1');
  await switchModel(panel, 'llama-3.1-70b-instruct');
  await expect(panel.getByRole('alert', { name: 'Nothing fits' })).toBeVisible();
  await checkState(page, 'nothing-fits', theme);

  // a deployment that crash-loops (vLLM's KV cache error): cause and fix
  await panel.getByLabel('Accelerator override', { exact: true }).selectOption('');
  await switchModel(panel, 'qwen2.5-7b-instruct');
  await rankedFor(panel, 'balanced');
  const failing = await previewAndDeploy(page, panel, theme, false);
  await expect(failing.getByLabel('Deployment state', { exact: true })).toHaveText('failed', {
    timeout: 45000
  });
  await expect(failing.getByRole('alert').first()).toBeVisible();
  await checkState(page, 'deploy-failed', theme);

  // no permission to read nodes: pools from hardware profiles, the grant to ask for
  await fake('preset', { kind: 'no-nodes-access' });
  await detectAgain(page, panel);
  await expect(panel.getByRole('note', { name: 'Permission needed' })).toBeVisible();
  await checkState(page, 'no-permission', theme);

  // no cluster at all
  await fake('faults', { path: '.*', count: 1000000, status: 503 });
  try {
    await detectAgain(page, panel);
    await expect(panel.getByRole('note', { name: 'No cluster' })).toBeVisible();
    await checkState(page, 'no-cluster', theme);
  } finally {
    await fake('faults', undefined, 'DELETE');
  }
}

test.describe('OptiServe accessibility (axe-core)', () => {
  for (const theme of ['light', 'dark'] as Theme[]) {
    test(`every state, ${theme} theme, 250 and 400 px`, async ({ page }) => {
      test.setTimeout(300000);
      try {
        await walk(page, theme);
      } finally {
        if (theme === 'dark') {
          await page.theme.setLightTheme();
        }
      }
    });
  }
});
