/** The fake cluster's admin endpoints (see docs/fakekube.md) and the test artifacts folder. */
import * as fs from 'fs';
import * as path from 'path';

export interface IFakeState {
  fakekube: string;
  stub: string;
  kubeconfig: string;
  root_dir: string;
}

export function readState(): IFakeState {
  const file = process.env.OPTISERVE_UI_STATE;
  if (!file || !fs.existsSync(file)) {
    throw new Error(`no fake cluster state at ${file}`);
  }
  return JSON.parse(fs.readFileSync(file, 'utf-8'));
}

export async function fake(action: string, body?: unknown, method = 'POST'): Promise<any> {
  const res = await fetch(`${readState().fakekube}/_fake/${action}`, {
    method,
    headers: { 'Content-Type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body)
  });
  if (!res.ok) {
    throw new Error(`/_fake/${action}: ${res.status} ${await res.text()}`);
  }
  return res.json().catch(() => ({}));
}

/** A fresh "full" cluster: 2×8 A100, 2×8 H100, 2×4 L40S, 1 L4; simulated KServe succeeds. */
export async function resetCluster(): Promise<void> {
  await fake('reset');
  await fake('faults', undefined, 'DELETE');
  await fake('preset', { kind: 'full' });
  await scenario('success');
}

export const ARTIFACTS = path.join(__dirname, '..', 'test-results', 'screenshots');

export function artifact(name: string): string {
  fs.mkdirSync(ARTIFACTS, { recursive: true });
  return path.join(ARTIFACTS, name);
}

/** An InferenceService as the fake cluster stores it (null when absent). */
export async function readIsvc(name: string, namespace = 'demo'): Promise<any> {
  const url = `${readState().fakekube}/apis/serving.kserve.io/v1beta1/namespaces/${namespace}/inferenceservices/${name}`;
  const res = await fetch(url);
  if (res.status === 404) {
    return null;
  }
  if (!res.ok) {
    throw new Error(`GET ${url}: ${res.status} ${await res.text()}`);
  }
  return res.json();
}

/**
 * Switch the simulated KServe's scenario (success, oom, image-pull, unschedulable, ...). Paused
 * (`simulate` false), new InferenceServices wait with no status until it runs again.
 */
export async function scenario(name: string, simulate = true): Promise<void> {
  await fake('scenario', {
    default: name,
    simulate,
    step_seconds: 0.1,
    endpoint_url: readState().stub
  });
}
