import { expect, IJupyterLabPageFixture, test } from '@jupyterlab/galata';
import { Locator } from '@playwright/test';
import { fake, readIsvc, scenario } from './fake';
import {
  chooseModel,
  collectConsoleErrors,
  freshCluster,
  openPanel,
  PANEL_ID,
  rankedFor,
  shot
} from './helpers';

const MODEL = 'granite-3.1-8b-instruct';
const NAME = 'granite-3-1-8b-instruct';

/** Model -> profiles -> preview with a clean preflight; returns the panel. */
async function toPreview(page: IJupyterLabPageFixture): Promise<Locator> {
  const panel = await openPanel(page);
  await chooseModel(panel, MODEL);
  await rankedFor(panel, 'balanced');
  await panel.getByRole('button', { name: 'Preview deployment' }).click();
  await expect(panel.getByLabel('Preflight summary', { exact: true })).toContainText('0 fail', {
    timeout: 30000
  });
  return panel;
}

async function deploy(panel: Locator, name = NAME): Promise<Locator> {
  await panel.getByRole('button', { name: 'Deploy', exact: true }).click();
  await panel.getByRole('button', { name: 'Confirm deploy' }).click();
  return panel.getByLabel(`Deployment ${name}`, { exact: true });
}

function stateOf(deployment: Locator): Locator {
  return deployment.getByLabel('Deployment state', { exact: true });
}

async function narrow(page: IJupyterLabPageFixture): Promise<void> {
  await page.sidebar.setWidth(250);
}

test.describe('OptiServe failures: one diagnosis, a way forward', () => {
  let errors: string[] = [];
  test.beforeEach(({ page }) => {
    errors = collectConsoleErrors(page);
  });
  test.afterEach(() =>
    expect(
      errors.filter(e => !/status of (4|5)\d\d/.test(e)),
      'no console errors'
    ).toEqual([])
  );

  test('a crash-loop names the fix, and applying it redeploys with the shorter context', async ({
    page
  }) => {
    test.setTimeout(150000);
    await freshCluster(page, () => scenario('oom'));
    const panel = await toPreview(page);
    const deployment = await deploy(panel);
    await expect(stateOf(deployment)).toHaveText('failed', { timeout: 60000 });
    const box = deployment.getByRole('alert', { name: 'The context does not fit in GPU memory' });
    await expect(box).toBeVisible();
    await expect(deployment.getByRole('alert')).toHaveCount(1); // one box, not two
    await expect(box).toContainText(/KV cache/);
    await expect(box).toContainText(/Concerns: pod /);
    await expect(box.getByRole('heading')).toBeFocused();
    await expect(panel.getByText('Deployment started')).toHaveCount(0);
    const fix = box.getByRole('button', {
      name: /^Apply the fix and redeploy \(context \d+ tokens\)$/
    });
    const label = (await fix.textContent()) ?? '';
    const tokens = label.match(/context (\d+) tokens/)?.[1];
    expect(tokens).toBeTruthy();
    await narrow(page);
    await box.scrollIntoViewIfNeeded();
    await shot(page, '20-failure-diagnosis-actions');
    await scenario('success');
    await fix.click();
    await expect(stateOf(deployment)).toHaveText('ready', { timeout: 60000 });
    const isvc = await readIsvc(NAME);
    expect(isvc.spec.predictor.model.args).toContain(`--max-model-len=${tokens}`);
  });

  test('an image pull failure names the image once, and Delete removes it', async ({ page }) => {
    test.setTimeout(120000);
    await freshCluster(page, () => scenario('image-pull'));
    const panel = await toPreview(page);
    const deployment = await deploy(panel);
    await expect(stateOf(deployment)).toHaveText('failed', { timeout: 60000 });
    const box = deployment.getByRole('alert', { name: 'The server image could not be pulled' });
    await expect(box).toContainText(/Concerns: image \S+/);
    await expect(deployment.getByRole('alert')).toHaveCount(1);
    expect(await readIsvc(NAME)).not.toBeNull();
    await box.getByRole('button', { name: 'Delete' }).click();
    await expect(deployment.getByRole('status').filter({ hasText: 'Deleted' })).toBeVisible();
    await expect.poll(() => readIsvc(NAME)).toBeNull();
  });

  test('an unschedulable pod turns into a warning with Cancel after 30 s', async ({ page }) => {
    test.setTimeout(150000);
    await freshCluster(page, () => scenario('unschedulable'));
    const panel = await toPreview(page);
    const deployment = await deploy(panel);
    await expect(stateOf(deployment)).toHaveText('starting', { timeout: 30000 });
    await expect(stateOf(deployment)).toHaveText('unschedulable', { timeout: 60000 });
    const box = deployment.getByRole('alert', { name: 'No node can run this deployment yet' });
    await expect(box).toContainText(/scheduler cannot place the pod/);
    await box.getByRole('button', { name: 'Cancel' }).click();
    await expect(stateOf(deployment)).toHaveText('cancelled', { timeout: 30000 });
    await expect(deployment.getByRole('status').filter({ hasText: /Cancelled\./ })).toBeVisible();
  });

  test('the cluster refusing the create is one plain box with Back to profiles', async ({
    page
  }) => {
    test.setTimeout(120000);
    await freshCluster(page);
    const panel = await toPreview(page);
    await fake('faults', { path: 'inferenceservices', method: 'POST', status: 500, count: 1000 });
    try {
      const deployment = await deploy(panel);
      await expect(stateOf(deployment)).toHaveText('failed', { timeout: 60000 });
      const box = deployment.getByRole('alert', { name: 'A check against the cluster failed' });
      await expect(box).toContainText(/preflight/i);
      await expect(box).toContainText(`Concerns: InferenceService ${NAME}`);
      await expect(deployment.getByRole('alert')).toHaveCount(1);
      await expect(panel.getByText('Deployment started')).toHaveCount(0);
      await box.getByRole('button', { name: 'Back to profiles' }).click();
      await expect(panel.getByLabel(`Deployment ${NAME}`, { exact: true })).toHaveCount(0);
      await expect(panel.getByRole('button', { name: 'Preview deployment' })).toBeVisible();
    } finally {
      await fake('faults', undefined, 'DELETE');
    }
  });

  test('dialog parity: name, replicas, route, token auth, args and env, then edit and redeploy', async ({
    page
  }) => {
    test.setTimeout(180000);
    await freshCluster(page);
    const panel = await toPreview(page);
    await panel.getByText('Deployment settings', { exact: true }).click();
    await panel.getByLabel('Deployment name', { exact: true }).fill('granite-chat');
    await panel.getByLabel('Replicas', { exact: true }).fill('2');
    await panel.getByLabel('External route', { exact: true }).check();
    await panel.getByLabel('Token authentication', { exact: true }).check();
    await panel.getByLabel('Runtime arguments', { exact: true }).fill('--enable-auto-tool-choice');
    await panel
      .getByLabel('Environment variables', { exact: true })
      .fill('VLLM_LOGGING_LEVEL=DEBUG');
    const yaml = panel.getByLabel('Manifests YAML', { exact: true });
    await panel.locator('summary', { hasText: 'Show manifests YAML' }).click();
    await expect(yaml).toContainText('minReplicas: 2', { timeout: 30000 });
    await expect(yaml).toContainText('name: granite-chat');
    await expect(yaml).toContainText('- --enable-auto-tool-choice');
    await expect(yaml).toContainText('name: VLLM_LOGGING_LEVEL');
    await expect(yaml).toContainText('networking.kserve.io/visibility: exposed');
    await expect(yaml).toContainText('kind: ServiceAccount');
    await expect(panel.getByLabel('Preflight summary', { exact: true })).toContainText('0 fail', {
      timeout: 30000
    });
    await narrow(page);
    await panel.getByText('Deployment settings', { exact: true }).scrollIntoViewIfNeeded();
    await shot(page, '21-deploy-settings');
    const deployment = await deploy(panel, 'granite-chat');
    await expect(stateOf(deployment)).toHaveText('ready', { timeout: 60000 });
    const isvc = await readIsvc('granite-chat');
    const pred = isvc.spec.predictor;
    expect([pred.minReplicas, pred.maxReplicas]).toEqual([2, 2]);
    expect(pred.model.args).toContain('--enable-auto-tool-choice');
    expect(pred.model.env).toContainEqual({ name: 'VLLM_LOGGING_LEVEL', value: 'DEBUG' });
    expect(isvc.metadata.labels['networking.kserve.io/visibility']).toBe('exposed');
    expect(isvc.metadata.annotations['security.opendatahub.io/enable-auth']).toBe('true');

    // Edit from the Deployments list loads those settings; Redeploy updates the same object
    await panel.getByRole('tab', { name: 'Deployments' }).click();
    await panel.getByRole('button', { name: 'Edit granite-chat' }).click();
    await expect(panel.getByLabel('Deployment name', { exact: true })).toHaveValue('granite-chat');
    await expect(panel.getByLabel('Replicas', { exact: true })).toHaveValue('2');
    await expect(panel.getByLabel('Environment variables', { exact: true })).toHaveValue(
      'VLLM_LOGGING_LEVEL=DEBUG'
    );
    await panel.getByLabel('Replicas', { exact: true }).fill('1');
    await panel.locator('summary', { hasText: 'Show manifests YAML' }).click();
    await expect(panel.getByLabel('Manifests YAML', { exact: true })).toContainText(
      'minReplicas: 1',
      { timeout: 30000 }
    );
    await expect(panel.getByLabel('Preflight summary', { exact: true })).toContainText('0 fail', {
      timeout: 30000
    });
    await expect(panel.getByRole('button', { name: 'Deploy', exact: true })).toHaveText(
      'Redeploy…'
    );
    const again = await deploy(panel, 'granite-chat');
    await expect(stateOf(again)).toHaveText('ready', { timeout: 60000 });
    const updated = await readIsvc('granite-chat');
    expect(updated.metadata.uid).toBe(isvc.metadata.uid);
    expect(updated.spec.predictor.minReplicas).toBe(1);
    expect(updated.spec.predictor.model.env).toContainEqual({
      name: 'VLLM_LOGGING_LEVEL',
      value: 'DEBUG'
    });
    expect(page.locator(`#${PANEL_ID}`)).toBeTruthy();
  });
});
