/**
 * Galata on Debian's Chromium (/usr/bin/chromium): no browser download, no video (needs ffmpeg).
 * The Jupyter server under test (jupyter_server_test_config.py) starts the fake Kubernetes API
 * server and an OpenAI-compatible stub, and writes where they are to OPTISERVE_UI_STATE.
 */
const fs = require('fs');
const os = require('os');
const path = require('path');
const { execFileSync } = require('child_process');
const baseConfig = require('@jupyterlab/galata/lib/playwright-config');

// Playwright evaluates this file in the runner and again in each worker: the choices below are made
// once, in the runner, and reach the workers (and the test server) through the environment.
if (!process.env.OPTISERVE_UI_STATE) {
  // A fresh folder per run, so a state file from an earlier run is never read.
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'optiserve-ui-run-'));
  process.env.OPTISERVE_UI_STATE = path.join(dir, 'state.json');
}

/** Whether 127.0.0.1:port can be bound now (asked of Python: Node has no synchronous check). */
function portFree(port) {
  const code = 'import socket,sys\ns=socket.socket()\ntry:\n s.bind(("127.0.0.1",int(sys.argv[1])))\nexcept OSError:\n sys.exit(1)';
  try {
    execFileSync(process.env.PYTHON || 'python3', ['-c', code, String(port)], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** A free port the OS picks. */
function anyPort() {
  const code = 'import socket\ns=socket.socket()\ns.bind(("127.0.0.1",0))\nprint(s.getsockname()[1])';
  return Number(execFileSync(process.env.PYTHON || 'python3', ['-c', code]).toString().trim());
}

if (!process.env.OPTISERVE_UI_PORT_CHOSEN) {
  // 8888 when it is free (or OPTISERVE_UI_PORT), else any free port; a port asked for explicitly
  // that is busy fails here with its number, not later with timeouts.
  let port = Number(process.env.OPTISERVE_UI_PORT || 8888);
  if (!portFree(port)) {
    if (process.env.OPTISERVE_UI_PORT) {
      throw new Error(
        `UI tests: port ${port} on 127.0.0.1 is in use (another Jupyter server?). Stop what listens there ` +
          `(e.g. \`ss -ltnp | grep :${port}\`), or unset OPTISERVE_UI_PORT to use any free port.`
      );
    }
    port = anyPort();
  }
  process.env.OPTISERVE_UI_PORT = String(port);
  process.env.OPTISERVE_UI_URL = `http://localhost:${port}`;
  process.env.OPTISERVE_UI_PORT_CHOSEN = '1';
}
const PORT = Number(process.env.OPTISERVE_UI_PORT);

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
    baseURL: process.env.OPTISERVE_UI_URL,
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
    command: `jlpm start --ServerApp.port=${PORT} --ServerApp.port_retries=0`,
    url: `${process.env.OPTISERVE_UI_URL}/lab`,
    timeout: 120 * 1000,
    // Never an existing server: it would belong to another run, with another fake cluster and state.
    reuseExistingServer: false,
    env: { ...process.env }
  }
};
