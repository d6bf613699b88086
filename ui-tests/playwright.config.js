/**
 * Galata on Debian's Chromium (/usr/bin/chromium): no browser download, no video (needs ffmpeg).
 * The Jupyter server under test (jupyter_server_test_config.py) starts the fake Kubernetes API
 * server and an OpenAI-compatible stub, and writes where they are to OPTISERVE_UI_STATE.
 */
const os = require('os');
const path = require('path');
const baseConfig = require('@jupyterlab/galata/lib/playwright-config');

process.env.OPTISERVE_UI_STATE =
  process.env.OPTISERVE_UI_STATE || path.join(os.tmpdir(), "optiserve-ui-state.json");

module.exports = {
  ...baseConfig,
  timeout: 60000,
  expect: { timeout: 10000 },
  retries: process.env.CI ? 1 : 0, // a retried pass is still reported as flaky
  workers: 1,
  globalSetup: require.resolve('./global-setup'),
  reporter: [['list'], ['html', { open: 'never' }]],
  use: {
    ...baseConfig.use,
    video: 'off',
    trace: 'retain-on-failure',
    screenshot: 'only-on-failure',
    viewport: { width: 1400, height: 900 },
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH || '/usr/bin/chromium',
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-dev-shm-usage',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync'
      ]
    }
  },
  webServer: {
    command: 'jlpm start',
    url: 'http://localhost:8888/lab',
    timeout: 120 * 1000,
    reuseExistingServer: !process.env.CI,
    env: { ...process.env }
  }
};
