/**
 * Global setup: the Jupyter server (jupyter_server_test_config.py) has started the fake Kubernetes
 * API server and the OpenAI stub; wait for both, and put the fake cluster back to the "full" preset.
 */
import { readState, resetCluster } from './tests/fake';

export default async function globalSetup(): Promise<void> {
  const deadline = Date.now() + 60000;
  let lastError: unknown = null;
  while (Date.now() < deadline) {
    try {
      const state = readState();
      const version = await fetch(`${state.fakekube}/version`);
      const health = await fetch(`${state.stub}/health`);
      if (version.ok && health.ok) {
        await resetCluster();
        await warmUp();
        return;
      }
    } catch (e) {
      lastError = e;
    }
    await new Promise(r => setTimeout(r, 250));
  }
  throw new Error(`the fake cluster did not come up: ${lastError}`);
}

/**
 * Ask the Jupyter server once for the pages and settings every test loads: its first answers are
 * slow (templates, extension discovery), and on a busy machine the first test's JupyterLab would
 * then miss Galata's fixed 15 s start-up wait.
 */
async function warmUp(): Promise<void> {
  const base = process.env.OPTISERVE_UI_URL;
  if (!base) {
    return;
  }
  for (const path of ['/lab', '/lab/api/settings', '/lab/api/translations/en', '/api/contents']) {
    await fetch(`${base}${path}`).catch(() => undefined);
  }
}
