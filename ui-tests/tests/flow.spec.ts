import { expect, test } from '@jupyterlab/galata';
import { artifact, readState } from './fake';
import {
  chooseKpiTimed,
  chooseModel,
  collectConsoleErrors,
  freshCluster,
  openPanel,
  patientStart,
  PANEL_ID,
  profiles,
  rankedFor,
  shot
} from './helpers';
import { recordPerf } from './perf';

const MODEL = 'granite-3.1-8b-instruct';
const NAME = 'granite-3-1-8b-instruct';
const NOTEBOOK = {
  cells: [
    { cell_type: 'code', source: '# client', metadata: {}, outputs: [], execution_count: null }
  ],
  metadata: { kernelspec: { name: 'python3', display_name: 'Python 3', language: 'python' } },
  nbformat: 4,
  nbformat_minor: 5
};

test.describe('OptiServe sidebar on the fake cluster', () => {
  test.use({ waitForApplication: patientStart });
  let errors: string[] = [];
  test.beforeEach(async ({ page }) => {
    errors = collectConsoleErrors(page);
    await freshCluster(page);
  });
  test.afterEach(() => expect(errors, 'no console errors').toEqual([]));

  test('model and KPI to a Ready endpoint and a test prompt', async ({ page, tmpPath }) => {
    test.setTimeout(90000);

    // Sidebar interactive (catalog listed, model buttons clickable) within 1 s of opening.
    const waiter = page.evaluate(
      id =>
        new Promise<number>(resolve => {
          let t0 = 0;
          const tab = document.querySelector(`li[data-id="${id}"]`)!;
          tab.addEventListener('pointerdown', () => (t0 = performance.now()), {
            capture: true,
            once: true
          });
          const check = () => {
            if (t0 && document.querySelector(`#${id} button.jp-OptiServe-modelItem`)) {
              resolve(performance.now() - t0);
            } else {
              requestAnimationFrame(check);
            }
          };
          requestAnimationFrame(check);
        }),
      PANEL_ID
    );
    await page.click(`li[data-id="${PANEL_ID}"]`);
    const interactiveMs = await waiter;
    recordPerf({ sidebar_interactive_ms: Math.round(interactiveMs) });
    expect(interactiveMs).toBeLessThan(5000); // the figure goes to perf.json (bench/README); this only catches a hang
    const panel = page.locator(`#${PANEL_ID}`);
    await shot(page, '01-open-catalog');

    await chooseModel(panel, MODEL);
    // the chosen catalog button disappears with step 1: focus lands on the selected KPI, not the page top
    await expect(panel.locator('.jp-OptiServe-kpi[aria-checked="true"]')).toBeFocused();
    await rankedFor(panel, 'balanced');
    const ms = await chooseKpiTimed(page, 'latency');
    recordPerf({ profiles_after_kpi_ms_full_flow: Math.round(ms) });
    expect(ms).toBeLessThan(5000); // recorded in perf.json; speed targets are benchmarks, not timed tests
    const winner = await rankedFor(panel, 'latency');
    expect(winner).toContain('latency');
    await expect(profiles(panel).first()).toHaveAttribute('aria-checked', 'true');
    // every estimate names the kernel-cost backend that answered
    await expect(profiles(panel).first()).toContainText(/roofline|measured kernels/);
    // the load every number is judged at, and the metric the KPI ranks by, are on screen
    await expect(panel.getByLabel('Workload', { exact: true })).toContainText(
      'Assumes 1 concurrent user'
    );
    await expect(profiles(panel).first()).toContainText('Request');
    await expect(panel.getByLabel('Why this profile', { exact: true })).toContainText('best for');
    await expect(panel.getByRole('img', { name: /Latency versus throughput/ })).toBeVisible();
    await shot(page, '02-profiles');

    await panel.getByRole('button', { name: 'Preview deployment' }).click();
    await expect(panel.getByLabel('Preflight summary', { exact: true })).toContainText('0 fail');
    await expect(panel.getByRole('button', { name: 'Export bundle' })).toBeVisible();
    await panel.locator('summary', { hasText: 'Show manifests YAML' }).click();
    await expect(panel.getByLabel('Manifests YAML', { exact: true })).toContainText(
      'kind: InferenceService'
    );
    await shot(page, '03-preview');
    await panel.getByRole('button', { name: 'Open in editor' }).click();
    await expect(page.getByRole('tab', { name: /granite-3-1-8b-instruct\.yaml/ })).toBeVisible();

    await panel.getByRole('button', { name: 'Deploy', exact: true }).click();
    await expect(panel.getByRole('alertdialog', { name: 'Confirm deployment' })).toBeVisible();
    // Escape cancels the confirmation and gives focus back to Deploy
    await page.keyboard.press('Escape');
    await expect(panel.getByRole('alertdialog', { name: 'Confirm deployment' })).toHaveCount(0);
    await expect(panel.getByRole('button', { name: 'Deploy', exact: true })).toBeFocused();
    await page.keyboard.press('Enter');
    await expect(panel.getByRole('alertdialog', { name: 'Confirm deployment' })).toBeVisible();
    await panel.getByRole('button', { name: 'Confirm deploy' }).click();
    const deployment = panel.getByLabel(`Deployment ${NAME}`, { exact: true });
    await expect(deployment.getByLabel('Deployment phases', { exact: true })).toBeVisible();
    await shot(page, '04-deploying');
    await expect(deployment.getByLabel('Deployment state', { exact: true })).toHaveText('ready', {
      timeout: 45000
    });
    await expect(deployment.getByLabel('Endpoint URL', { exact: true })).toHaveText(
      readState().stub
    );
    await expect(deployment.getByRole('button', { name: 'Copy curl snippet' })).toBeVisible();
    await expect(deployment.getByLabel('Python snippet', { exact: true })).toContainText(
      'from openai import OpenAI'
    );

    await deployment.getByRole('textbox', { name: 'Test prompt', exact: true }).fill('Say hello.');
    await deployment.getByRole('button', { name: 'Send test prompt' }).click();
    await expect(deployment.getByLabel('Model answer', { exact: true })).toContainText('Hello', {
      timeout: 20000
    });
    // measure the endpoint and compare with the estimate: a progress bar per level, then the chart and table
    await deployment.getByRole('button', { name: 'Benchmark', exact: true }).click();
    const result = deployment.getByLabel('Benchmark result', { exact: true });
    await expect(
      result.getByRole('table', { name: 'Predicted versus measured' }).getByRole('row')
    ).toHaveCount(4, { timeout: 60000 });
    await expect(
      result.getByRole('img', { name: /TTFT \(ms\): measured versus estimated/ })
    ).toBeVisible();
    await expect(deployment.getByRole('button', { name: 'Benchmark again' })).toBeEnabled({
      timeout: 30000
    });
    await shot(page, '05b-benchmark');
    await deployment.getByLabel('Model answer', { exact: true }).scrollIntoViewIfNeeded();
    await shot(page, '05-ready-prompt');

    // Deployments survive a page reload: they are read from the cluster/server.
    await page.reload({ waitForIsReady: false }); // the YAML editor, not the Launcher, is the active tab
    await page.waitForSelector(`li[data-id="${PANEL_ID}"]`);
    const again = await openPanel(page);
    await again.getByRole('tab', { name: 'Deployments' }).click();
    const row = again.getByRole('listitem', { name: `Deployment ${NAME}` });
    await expect(row).toContainText('Ready');
    await shot(page, '06-deployments');
    await row.getByRole('button', { name: `Open ${NAME}` }).click();
    const detail = again.getByLabel(`Deployment ${NAME}`, { exact: true });
    await expect(detail.getByLabel('Endpoint URL', { exact: true })).toHaveText(readState().stub);
    // Insert into notebook: a notebook open beside the panel gets the Python snippet as a new cell.
    const nb = `${tmpPath}/client.ipynb`;
    await page.contents.uploadContent(JSON.stringify(NOTEBOOK), 'text', nb);
    await page.evaluate(async path => {
      await (window as any).jupyterapp.commands.execute('docmanager:open', { path });
    }, nb);
    await expect(page.locator('.jp-NotebookPanel .jp-Cell').first()).toBeVisible();
    await detail.getByRole('button', { name: 'Insert into notebook' }).click();
    // Read the notebook model, not the DOM: the notebook renders cells lazily (windowing), so the
    // new cell's text may not be in the page yet when the model already holds it.
    const sources = () =>
      page.evaluate(() => {
        const app = (window as any).jupyterapp;
        for (const w of app.shell.widgets('main')) {
          const cells = (w as any).content?.model?.sharedModel?.cells;
          if (cells) {
            return cells.map((c: any) => c.getSource()).join('\n');
          }
        }
        return '';
      });
    await expect.poll(sources, { timeout: 10000 }).toContain('from openai import OpenAI');

    await again.getByRole('button', { name: 'Back to all deployments' }).click();
    await row.getByRole('button', { name: `Stop ${NAME}` }).click();
    await expect(row).toContainText('Stopped');
    await row.getByRole('button', { name: `Delete ${NAME}` }).click();
    await row.getByRole('button', { name: `Confirm delete ${NAME}` }).click();
    await expect(again.getByRole('listitem', { name: `Deployment ${NAME}` })).toHaveCount(0);
  });

  test('switching the KPI changes the chosen profile', async ({ page }) => {
    const panel = await openPanel(page);
    await chooseModel(panel, MODEL);
    await rankedFor(panel, 'balanced');
    const times: number[] = [];
    const winners: Record<string, string> = {};
    for (const kpi of ['latency', 'throughput', 'cost', 'balanced']) {
      times.push(await chooseKpiTimed(page, kpi));
      winners[kpi] = await rankedFor(panel, kpi);
      await expect(
        panel.getByRole('radio', { name: /^KPI / }).and(page.locator(`[data-kpi="${kpi}"]`))
      ).toHaveAttribute('aria-checked', 'true');
    }
    recordPerf({
      profiles_after_kpi_ms_max: Math.round(Math.max(...times)),
      profiles_after_kpi_ms_all: times.map(Math.round).join(',')
    });
    expect(Math.max(...times)).toBeLessThan(5000); // recorded above; only a hang fails here
    expect(winners.latency).not.toEqual(winners.throughput);
    expect(winners.latency).toContain('latency');
    expect(winners.throughput).toContain('throughput');
    expect(new Set(Object.values(winners)).size).toBeGreaterThanOrEqual(3);
    // Keyboard: the KPI cards are a radio group (arrow keys move the choice).
    await panel.locator('.jp-OptiServe-kpi[data-kpi="balanced"]').focus();
    await page.keyboard.press('ArrowLeft');
    await expect(panel.locator('.jp-OptiServe-kpi[data-kpi="throughput"]')).toBeFocused();
    expect(await rankedFor(panel, 'throughput')).toEqual(winners.throughput);
    await shot(page, '07-kpi-throughput');

    // The README's screenshot: the sidebar widened a little, beside the launcher.
    const handle = page.locator('#jp-main-split-panel > .lm-SplitPanel-handle').first();
    const box = (await handle.boundingBox())!;
    await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
    await page.mouse.down();
    await page.mouse.move(box.x + 170, box.y + box.height / 2, { steps: 5 });
    await page.mouse.up();
    await page.screenshot({ path: artifact('readme.png') });
  });
});
