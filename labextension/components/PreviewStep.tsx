import React, { useEffect, useRef, useState } from 'react';
import { IEnv } from '../env';
import { requestAPI } from '../request';
import { saveBlob } from '../download';
import { IPreflightResult, IRenderResult } from '../types';
import { CopyButton, ErrorBox, Loading, Notes } from './common';
import { PreflightList } from './Preflight';
import { DeploySettings, settingsFrom, settingsRequest } from './DeploySettings';

export type PlanRequest = Record<string, unknown> & { model: string; kpi: string };

/** Step 5: preflight (pass/warn/fail with fixes) and the manifests (copy, download, editor, bundle). */
export function PreviewStep(props: {
  env: IEnv;
  request: PlanRequest;
  offline: boolean;
  /** A deploy of this preview was started (step 6 follows it). */
  deployed: boolean;
  onDeploy: (request: PlanRequest, name: string, namespace: string) => void;
  /** Editing an existing OptiServe deployment: Deploy updates it in place. */
  editing?: string | null;
}): JSX.Element {
  const [render, setRender] = useState<IRenderResult | null>(null);
  const [pre, setPre] = useState<IPreflightResult | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [preError, setPreError] = useState<unknown>(null);
  const [confirm, setConfirm] = useState(false);
  const deployButton = useRef<HTMLButtonElement>(null);
  const [busy, setBusy] = useState('');
  const [attempt, setAttempt] = useState(0);
  // Without a cluster there is no current namespace: ask for the one the bundle will target.
  const [ns, setNs] = useState(String(props.request.namespace ?? 'my-project'));
  const [nsDraft, setNsDraft] = useState(ns);
  const [settings, setSettings] = useState(() => settingsFrom(props.request));
  // the dialog's fields replace the incoming request's (Edit loads them from the deployment)
  const base: PlanRequest = { ...props.request };
  for (const k of ['name', 'replicas', 'external', 'auth', 'runtime_args', 'env']) {
    delete base[k];
  }
  const withNs: PlanRequest =
    props.offline && !props.request.namespace ? { ...base, namespace: ns } : base;
  const request: PlanRequest = { ...withNs, ...settingsRequest(settings) };
  const key = JSON.stringify(request);
  // what was last sent to deploy: a changed setting offers Deploy again
  const [sentKey, setSentKey] = useState<string | null>(null);
  const [derived, setDerived] = useState('');
  const top = useRef<HTMLDivElement>(null);
  const rendered = render !== null;
  useEffect(() => {
    // again once the manifests are in: before, there may be too little below to scroll to
    void top.current?.scrollIntoView({ block: 'start' });
  }, [rendered]);

  useEffect(() => {
    let live = true;
    setRender(null);
    setPre(null);
    setError(null);
    setPreError(null);
    setConfirm(false);
    requestAPI<IRenderResult>('render', { json: request })
      .then(r => {
        if (live) {
          setRender(r);
          if (!settings.name) {
            setDerived(r.plan.name);
          }
        }
      })
      .catch(e => live && setError(e));
    if (!props.offline) {
      requestAPI<IPreflightResult>('preflight', { json: request })
        .then(r => live && setPre(r))
        .catch(e => live && setPreError(e));
    }
    return () => {
      live = false;
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps -- keyed on purpose: re-run only when the listed inputs change
  }, [key, props.offline, attempt]);

  const nsInput =
    props.offline && !props.request.namespace ? (
      <label>
        Namespace the bundle targets
        <input
          className="jp-OptiServe-input jp-mod-styled"
          aria-label="Target namespace"
          value={nsDraft}
          onChange={e => setNsDraft(e.target.value)}
          onBlur={() => nsDraft.trim() && setNs(nsDraft.trim())}
          onKeyDown={e => e.key === 'Enter' && nsDraft.trim() && setNs(nsDraft.trim())}
        />
      </label>
    ) : null;
  const settingsForm = (
    <DeploySettings
      value={settings}
      derivedName={derived}
      onChange={setSettings}
      open={!!props.editing}
    />
  );
  if (error) {
    return (
      <div className="jp-OptiServe-preview" ref={top}>
        {nsInput}
        {settingsForm}
        <ErrorBox
          error={error}
          title="Could not render the manifests"
          onRetry={() => setAttempt(a => a + 1)}
        />
      </div>
    );
  }
  if (!render) {
    return (
      <div ref={top}>
        {nsInput}
        {settingsForm}
        <Loading label="Rendering manifests…" />
      </div>
    );
  }
  const plan = render.plan;
  const fileName = `${plan.name}.yaml`;
  const failed = pre ? !pre.preflight.ok : false;

  const exportBundle = async () => {
    setBusy('export');
    try {
      const res = await requestAPI<Response>('export', { json: request, raw: true });
      saveBlob(await res.blob(), `${plan.name}.zip`);
    } catch (e) {
      setError(e);
    } finally {
      setBusy('');
    }
  };

  const deployed = props.deployed && sentKey === key;
  return (
    <div className="jp-OptiServe-preview" ref={top}>
      {nsInput}
      {settingsForm}
      <div className="jp-OptiServe-planLine">
        <strong>{plan.name}</strong> in <code>{plan.namespace}</code> · {plan.profile?.name}
      </div>
      {props.offline ? (
        <div className="jp-OptiServe-warnBox" role="note" aria-label="Export offered">
          <div>
            No cluster is connected, so nothing can be deployed from here. Export the bundle
            (manifests, kustomization and README) and apply it later with <code>oc apply -k</code>.
          </div>
        </div>
      ) : pre ? (
        <PreflightList checks={pre.preflight.checks} />
      ) : preError ? (
        <ErrorBox error={preError} title="Preflight could not run" />
      ) : (
        <Loading label="Running preflight checks…" />
      )}
      <Notes items={render.notes} label="Plan notes" />
      <div className="jp-OptiServe-toolbar" role="toolbar" aria-label="Manifest actions">
        <CopyButton text={render.yaml} label="Copy manifests" />
        <button
          type="button"
          className="jp-OptiServe-btn"
          aria-label="Download manifests"
          onClick={() => saveBlob(new Blob([render.yaml], { type: 'application/yaml' }), fileName)}
        >
          Download
        </button>
        <button
          type="button"
          className="jp-OptiServe-btn"
          onClick={() => props.env.openInEditor(fileName, render.yaml).catch(setError)}
        >
          Open in editor
        </button>
        <button
          type="button"
          className={`jp-OptiServe-btn${props.offline ? ' jp-mod-accept' : ''}`}
          aria-label="Export bundle"
          onClick={exportBundle}
          disabled={busy === 'export'}
        >
          {busy === 'export' ? 'Exporting…' : 'Export bundle'}
        </button>
      </div>
      <details className="jp-OptiServe-yaml">
        <summary>Show manifests YAML ({render.manifests.length} objects)</summary>
        <pre tabIndex={0} aria-label="Manifests YAML">
          {render.yaml}
        </pre>
      </details>
      {props.offline ? null : deployed ? (
        <div className="jp-OptiServe-muted" role="status">
          Sent to the cluster: its progress, and any problem, appear below.
        </div>
      ) : confirm ? (
        <div
          className="jp-OptiServe-confirm"
          role="alertdialog"
          aria-label="Confirm deployment"
          onKeyDown={e => {
            if (e.key === 'Escape') {
              e.preventDefault();
              setConfirm(false); // Escape cancels; focus returns to the Deploy button
              requestAnimationFrame(() => deployButton.current?.focus());
            }
          }}
        >
          <div>
            {props.editing === plan.name ? 'Update' : 'Create'} <strong>{plan.name}</strong> in
            namespace <code>{plan.namespace}</code> with {plan.profile?.gpus}× {plan.accelerator}{' '}
            GPU(s){(plan.replicas ?? 1) > 1 ? ` per replica, ${plan.replicas} replicas` : ''}
            {props.editing === plan.name ? ', in place' : ''}?
          </div>
          <div className="jp-OptiServe-toolbar">
            <button
              type="button"
              className="jp-OptiServe-btn jp-mod-accept"
              aria-label="Confirm deploy now"
              autoFocus
              onClick={() => {
                setSentKey(key);
                props.onDeploy({ ...request, name: plan.name }, plan.name, plan.namespace);
              }}
            >
              {props.editing === plan.name ? 'Redeploy now' : 'Deploy now'}
            </button>
            <button
              type="button"
              className="jp-OptiServe-btn"
              aria-label="Cancel deploy"
              onClick={() => {
                setConfirm(false);
                requestAnimationFrame(() => deployButton.current?.focus());
              }}
            >
              Cancel
            </button>
          </div>
        </div>
      ) : (
        <button
          ref={deployButton}
          type="button"
          className="jp-OptiServe-btn jp-mod-accept jp-OptiServe-wide"
          aria-label="Deploy"
          disabled={!pre || failed}
          title={failed ? 'Fix the failed preflight checks first' : undefined}
          onClick={() => setConfirm(true)}
        >
          {failed
            ? 'Deploy (fix the failed checks first)'
            : props.editing === plan.name
              ? 'Redeploy…'
              : 'Deploy…'}
        </button>
      )}
    </div>
  );
}
