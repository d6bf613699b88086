/**
 * axe-core on every main state of the sidebar, in Light and Dark, at 250 and 400 px: no serious or
 * critical violation. Each state is reached once and checked there in both themes (switched in
 * place) at both widths; the counts (all impacts) go to test-results/a11y.json, the 250 px
 * screenshots to test-results/screenshots.
 */
import { expect, IJupyterLabPageFixture, test } from '@jupyterlab/galata';
import { Locator } from '@playwright/test';
import { checkState, resetA11yFile } from './a11y';
import { fake, scenario } from './fake';
import {
  chooseModel,
  expand,
  freshCluster,
  openPanel,
  rankedFor,
  SERVER,
  patientStart
} from './helpers';

test.beforeAll(() => resetA11yFile());

/** Open step 1 again (it folds once a model is chosen) and choose `id`. */
async function switchModel(panel: Locator, id: string): Promise<void> {
  await expand(panel, 'model');
  await chooseModel(panel, id);
}

/** Preview the chosen profile, deploy it and confirm; returns step 6's deployment. */
async function previewAndDeploy(
  page: IJupyterLabPageFixture,
  panel: Locator,
  check: boolean
): Promise<Locator> {
  await panel.getByRole('button', { name: 'Preview deployment' }).click();
  await expect(panel.getByLabel('Preflight summary', { exact: true })).toContainText('0 fail', {
    timeout: 30000
  });
  if (check) {
    await checkState(page, 'preview');
  }
  await panel.getByRole('button', { name: 'Deploy', exact: true }).click();
  const dialog = panel.getByRole('alertdialog', { name: 'Confirm deployment' });
  await expect(dialog).toBeVisible();
  if (check) {
    await checkState(page, 'confirm', dialog);
  }
  await panel.getByRole('button', { name: 'Confirm deploy' }).click();
  return panel.locator('[data-step="deploy"] .jp-OptiServe-deploy');
}

/** Hardware detection again, from the sidebar (the server caches the inventory). */
async function detectAgain(page: IJupyterLabPageFixture, panel: Locator): Promise<void> {
  expect((await page.request.get(`${SERVER}/optiserve/hardware?refresh=1`)).ok()).toBeTruthy();
  await expand(panel, 'hardware');
  await panel.getByRole('button', { name: 'Detect hardware again' }).click();
}

test.describe('OptiServe accessibility (axe-core)', () => {
  test.use({ waitForApplication: patientStart });
  test('every state, Light and Dark, 250 and 400 px', async ({ page }) => {
    test.setTimeout(600000); // about a third of this on an idle 2-core machine
    // reduced motion: no spinner or pulse animating under axe (restyling slowed it down a lot)
    await page.emulateMedia({ reducedMotion: 'reduce' });
    await freshCluster(page);
    const panel = await openPanel(page);
    await checkState(page, 'catalog');

    await chooseModel(panel, 'granite-3.1-8b-instruct');
    await rankedFor(panel, 'balanced');
    await checkState(page, 'profiles');

    // KServe paused: the deployment stays in "deploying" while axe runs
    await scenario('success', false);
    const deployment = await previewAndDeploy(page, panel, true);
    await expect(deployment.getByLabel('Deployment state', { exact: true })).toBeVisible();
    await expect(deployment.getByLabel('Deployment state', { exact: true })).not.toHaveText(
      /ready|failed/
    );
    await checkState(page, 'deploying', deployment);
    await scenario('success');
    await expect(deployment.getByLabel('Deployment state', { exact: true })).toHaveText('ready', {
      timeout: 45000
    });
    const endpoint = deployment.getByLabel('Endpoint URL', { exact: true });
    await expect(endpoint).toBeVisible();
    await checkState(page, 'ready', endpoint);

    await panel.getByRole('tab', { name: 'Deployments' }).click();
    await expect(panel.getByRole('listitem', { name: /^Deployment / })).not.toHaveCount(0);
    await checkState(page, 'deployments');
    await panel.getByRole('tab', { name: 'New' }).click();

    // nothing fits: a 70B model on one L4
    await expand(panel, 'hardware');
    await panel.getByLabel('Accelerator override', { exact: true }).selectOption('l4');
    await panel.getByLabel('GPU count', { exact: true }).fill('1');
    await switchModel(panel, 'llama-3.1-70b-instruct');
    const nothing = panel.getByRole('alert', { name: 'Nothing fits' });
    await expect(nothing).toBeVisible();
    await checkState(page, 'nothing-fits', nothing);

    // a deployment that crash-loops (vLLM's KV cache error): cause and fix
    await scenario('crashloop');
    await panel.getByLabel('Accelerator override', { exact: true }).selectOption('');
    await switchModel(panel, 'qwen2.5-7b-instruct');
    await rankedFor(panel, 'balanced');
    const failing = await previewAndDeploy(page, panel, false);
    await expect(failing.getByLabel('Deployment state', { exact: true })).toHaveText('failed', {
      timeout: 45000
    });
    const cause = failing.getByRole('alert').first();
    await expect(cause).toBeVisible();
    await checkState(page, 'deploy-failed', cause);

    // no permission to read nodes: pools from hardware profiles, the grant to ask for
    await fake('preset', { kind: 'no-nodes-access' });
    await detectAgain(page, panel);
    const grant = panel.getByRole('note', { name: 'Permission needed' });
    await expect(grant).toBeVisible();
    await checkState(page, 'no-permission', grant);

    // no cluster at all
    await fake('faults', { path: '.*', count: 1000000, status: 503 });
    try {
      await detectAgain(page, panel);
      const none = panel.getByRole('note', { name: 'No cluster' });
      await expect(none).toBeVisible();
      await checkState(page, 'no-cluster', none);
    } finally {
      await fake('faults', undefined, 'DELETE');
      await page.theme.setLightTheme();
    }
  });
});
