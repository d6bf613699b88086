import { expect, test } from '@jupyterlab/galata';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { fake, scenario } from './fake';
import {
  chooseModel,
  collectConsoleErrors,
  freshCluster,
  openPanel,
  patientStart,
  profiles,
  rankedFor,
  SERVER,
  shot
} from './helpers';

test.describe('OptiServe states', () => {
  test.use({ waitForApplication: patientStart });
  let errors: string[] = [];
  test.beforeEach(({ page }) => {
    errors = collectConsoleErrors(page);
  });
  test.afterEach(() => expect(errors, 'no console errors').toEqual([]));
  test('bring your own model from a config.json', async ({ page }) => {
    await freshCluster(page);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'optiserve-byo-'));
    fs.writeFileSync(
      path.join(dir, 'config.json'),
      JSON.stringify({
        architectures: ['LlamaForCausalLM'],
        model_type: 'llama',
        hidden_size: 2048,
        intermediate_size: 8192,
        num_attention_heads: 32,
        num_key_value_heads: 8,
        num_hidden_layers: 16,
        head_dim: 64,
        vocab_size: 128256,
        max_position_embeddings: 131072,
        tie_word_embeddings: true,
        torch_dtype: 'bfloat16'
      })
    );
    const panel = await openPanel(page);
    await panel.getByLabel('Bring your own model', { exact: true }).click();
    await panel.getByLabel('Model source', { exact: true }).selectOption('local');
    await panel.getByLabel('Folder with config.json', { exact: true }).fill(dir);
    await panel.getByLabel('Weights location', { exact: true }).fill('pvc://models-pvc/my-llama');
    await panel.getByRole('button', { name: 'Use this model' }).click();
    await expect(panel.getByRole('button', { name: 'Step 1: Model' })).toContainText('config.json');
    const winner = await rankedFor(panel, 'balanced');
    expect(winner).toContain('balanced');
    await expect(profiles(panel).first()).toContainText('TTFT');
    await shot(page, '08-byo-config-json');
    await panel.getByRole('button', { name: 'Preview deployment' }).click();
    await panel.locator('summary', { hasText: 'Show manifests YAML' }).click();
    await expect(panel.getByLabel('Manifests YAML', { exact: true })).toContainText(
      'kind: InferenceService'
    );
    await expect(panel.getByLabel('Manifests YAML', { exact: true })).toContainText(
      'pvc://models-pvc/my-llama'
    );
  });

  test('an infeasible model says so and deploys nothing', async ({ page }) => {
    await freshCluster(page);
    const panel = await openPanel(page);
    await panel.getByRole('button', { name: 'Step 3: Hardware' }).click();
    await panel.getByLabel('Accelerator override', { exact: true }).selectOption('l4');
    await panel.getByLabel('GPU count', { exact: true }).fill('1');
    await chooseModel(panel, 'llama-3.1-70b-instruct');
    const alert = panel.getByRole('alert', { name: 'Nothing fits' });
    await expect(alert).toContainText('Nothing fits');
    await expect(alert).toContainText('Nothing will be deployed');
    await expect(panel.getByRole('button', { name: 'Preview deployment' })).toHaveCount(0);
    await expect(panel.locator('summary', { hasText: 'Rejected configurations' })).toBeVisible();
    await expect(panel.locator('.jp-OptiServe-rejected li').first()).toContainText('GiB');
    await shot(page, '09-nothing-fits');
    const list = await (await page.request.get(`${SERVER}/optiserve/deployments`)).json();
    expect(list.deployments).toEqual([]);
    // the alternatives are one click away: sized for the detected pools (H100s), the model fits
    await expect(alert.getByRole('button', { name: 'Allow 4-bit weights' })).toBeVisible();
    await alert.getByRole('button', { name: 'Size for the detected pools' }).click();
    expect(await rankedFor(panel, 'balanced')).toMatch(/\S/);
    await expect(panel.getByRole('alert', { name: 'Nothing fits' })).toHaveCount(0);
  });

  test('no permission to read nodes shows the grant to ask for', async ({ page }) => {
    await freshCluster(page, async () => {
      await fake('preset', { kind: 'no-nodes-access' });
    });
    const panel = await openPanel(page);
    const note = panel.getByRole('note', { name: 'Permission needed' });
    await expect(note).toBeVisible();
    await expect(note.getByLabel('Grant to ask for', { exact: true })).toContainText(
      'oc create clusterrole'
    );
    await expect(note.getByLabel('Grant to ask for', { exact: true })).toContainText(
      '--resource=nodes'
    );
    await expect(panel.getByLabel('Detected GPU pools', { exact: true })).toContainText(
      'hardware-profile'
    );
    await shot(page, '10-no-permission');
    // Sizing still works from the hardware profiles.
    await chooseModel(panel, 'granite-3.1-8b-instruct');
    await rankedFor(panel, 'balanced');
  });

  test('no cluster: local hardware, ranked profiles, preview and export', async ({ page }) => {
    await freshCluster(page, async () => {
      await fake('faults', { path: '.*', count: 1000000, status: 503 });
    });
    try {
      const panel = await openPanel(page);
      await expect(panel.getByRole('note', { name: 'No cluster' })).toContainText(
        'No cluster connected'
      );
      await panel.getByLabel('Accelerator override', { exact: true }).selectOption('l40s');
      await panel.getByLabel('GPU count', { exact: true }).fill('2');
      await chooseModel(panel, 'granite-3.1-8b-instruct');
      const winner = await rankedFor(panel, 'balanced');
      expect(winner).toContain('l40s');
      await panel.getByRole('button', { name: 'Preview deployment' }).click();
      await expect(panel.getByRole('note', { name: 'Export offered' })).toBeVisible();
      await expect(panel.getByRole('button', { name: 'Deploy', exact: true })).toHaveCount(0);
      const download = page.waitForEvent('download');
      await panel.getByRole('button', { name: 'Export bundle' }).click();
      expect((await download).suggestedFilename()).toMatch(/\.zip$/);
      await shot(page, '11-no-cluster-export');
    } finally {
      await fake('faults', undefined, 'DELETE');
    }
  });

  test('a deployment that crash-loops shows the cause and the fix', async ({ page }) => {
    test.setTimeout(90000);
    // The simulated engine dies with vLLM's "max seq len ... larger than ... KV cache" error.
    await freshCluster(page, async () => {
      await scenario('oom');
    });
    const panel = await openPanel(page);
    await chooseModel(panel, 'granite-3.1-8b-instruct');
    await rankedFor(panel, 'balanced');
    await panel.getByRole('button', { name: 'Preview deployment' }).click();
    await expect(panel.getByLabel('Preflight summary', { exact: true })).toContainText('0 fail');
    await panel.getByRole('button', { name: 'Deploy', exact: true }).click();
    await panel.getByRole('button', { name: 'Confirm deploy' }).click();
    const deployment = panel.getByLabel('Deployment granite-3-1-8b-instruct', { exact: true });
    await expect(deployment.getByLabel('Deployment state', { exact: true })).toHaveText('failed', {
      timeout: 45000
    });
    const error = deployment.getByRole('alert', {
      name: 'The context does not fit in GPU memory'
    });
    await expect(error).toContainText(/KV cache/i);
    await expect(error).toContainText(/max-model-len|gpu-memory-utilization|kv-cache-dtype/);
    await expect(deployment.getByLabel('Endpoint URL', { exact: true })).toHaveCount(0);
    await error.scrollIntoViewIfNeeded();
    await shot(page, '13-failed-cause-fix');
  });

  test('dark theme', async ({ page }) => {
    await freshCluster(page);
    await page.theme.setDarkTheme();
    const panel = await openPanel(page);
    await chooseModel(panel, 'granite-3.1-8b-instruct');
    await rankedFor(panel, 'balanced');
    const bg = await panel.evaluate(el => getComputedStyle(el).backgroundColor);
    const [r, g, b] = (bg.match(/\d+/g) ?? ['255', '255', '255']).map(Number);
    expect((r + g + b) / 3).toBeLessThan(90);
    const text = await panel
      .locator('.jp-OptiServe-profileName')
      .first()
      .evaluate(el => getComputedStyle(el).color);
    const [tr, tg, tb] = (text.match(/\d+/g) ?? ['0', '0', '0']).map(Number);
    expect((tr + tg + tb) / 3).toBeGreaterThan(150);
    await shot(page, '12-dark-theme');
    await page.theme.setLightTheme();
  });
});
