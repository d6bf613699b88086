import React, { useEffect, useRef, useState } from 'react';
import { IEnv } from '../env';
import { requestAPI } from '../request';
import { saveBlob } from '../download';
import { IPreflightResult, IRenderResult } from '../types';
import { useTrans } from '../i18n';
import { CopyButton, ErrorBox, Loading, Notes, withElements } from './common';
import { PreflightList } from './Preflight';
import { DeploySettings, settingsFrom, settingsRequest } from './DeploySettings';

export type PlanRequest = Record<string, unknown> & { model: string; kpi: string };

/** The command that applies an exported bundle (the user types it as shown). */
const APPLY_BUNDLE = 'oc apply -k';

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
  const trans = useTrans();
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
        {trans.__('Namespace the bundle targets')}
        <input
          className="jp-OptiServe-input jp-mod-styled"
          aria-label={trans.__('Target namespace')}
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
          title={trans.__('Could not render the manifests')}
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
        <Loading label={trans.__('Rendering manifests…')} />
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
  // "Create <name> in namespace <ns> with 2× L4 GPU(s)?", the name and namespace in markup
  const inPlace = props.editing === plan.name;
  const replicas = plan.replicas ?? 1;
  const nameNode = <strong>{plan.name}</strong>;
  const nsNode = <code>{plan.namespace}</code>;
  const gpus = plan.profile?.gpus;
  const confirmText =
    replicas > 1
      ? withElements(
          inPlace
            ? trans._n(
                'Update %2 in namespace %3 with %4× %5 GPU(s) per replica, %1 replica, in place?',
                'Update %2 in namespace %3 with %4× %5 GPU(s) per replica, %1 replicas, in place?',
                replicas,
                '%2',
                '%3',
                '%4',
                '%5'
              )
            : trans._n(
                'Create %2 in namespace %3 with %4× %5 GPU(s) per replica, %1 replica?',
                'Create %2 in namespace %3 with %4× %5 GPU(s) per replica, %1 replicas?',
                replicas,
                '%2',
                '%3',
                '%4',
                '%5'
              ),
          replicas,
          nameNode,
          nsNode,
          gpus,
          plan.accelerator
        )
      : withElements(
          inPlace
            ? trans.__(
                'Update %1 in namespace %2 with %3× %4 GPU(s), in place?',
                '%1',
                '%2',
                '%3',
                '%4'
              )
            : trans.__('Create %1 in namespace %2 with %3× %4 GPU(s)?', '%1', '%2', '%3', '%4'),
          nameNode,
          nsNode,
          gpus,
          plan.accelerator
        );
  return (
    <div className="jp-OptiServe-preview" ref={top}>
      {nsInput}
      {settingsForm}
      <div className="jp-OptiServe-planLine">
        {withElements(
          trans._p('plan: deployment name, namespace, profile', '%1 in %2 · %3', '%1', '%2', '%3'),
          <strong>{plan.name}</strong>,
          <code>{plan.namespace}</code>,
          plan.profile?.name
        )}
      </div>
      {props.offline ? (
        <div className="jp-OptiServe-warnBox" role="note" aria-label={trans.__('Export offered')}>
          <div>
            {withElements(
              trans.__(
                'No cluster is connected, so nothing can be deployed from here. Export the bundle (manifests, kustomization and README) and apply it later with %1.',
                '%1'
              ),
              <code>{APPLY_BUNDLE}</code>
            )}
          </div>
        </div>
      ) : pre ? (
        <PreflightList checks={pre.preflight.checks} />
      ) : preError ? (
        <ErrorBox error={preError} title={trans.__('Preflight could not run')} />
      ) : (
        <Loading label={trans.__('Running preflight checks…')} />
      )}
      <Notes items={render.notes} label={trans.__('Plan notes')} />
      <div
        className="jp-OptiServe-toolbar"
        role="toolbar"
        aria-label={trans.__('Manifest actions')}
      >
        <CopyButton text={render.yaml} label={trans.__('Copy manifests')} />
        <button
          type="button"
          className="jp-OptiServe-btn"
          aria-label={trans.__('Download manifests')}
          onClick={() => saveBlob(new Blob([render.yaml], { type: 'application/yaml' }), fileName)}
        >
          {trans.__('Download')}
        </button>
        <button
          type="button"
          className="jp-OptiServe-btn"
          onClick={() => props.env.openInEditor(fileName, render.yaml).catch(setError)}
        >
          {trans.__('Open in editor')}
        </button>
        <button
          type="button"
          className={`jp-OptiServe-btn${props.offline ? ' jp-mod-accept' : ''}`}
          aria-label={trans.__('Export bundle')}
          onClick={exportBundle}
          disabled={busy === 'export'}
        >
          {busy === 'export' ? trans.__('Exporting…') : trans.__('Export bundle')}
        </button>
      </div>
      <details className="jp-OptiServe-yaml">
        <summary>
          {/* English says "objects" for one too; the plural form is there for other languages */}
          {trans._n(
            'Show manifests YAML (%1 objects)',
            'Show manifests YAML (%1 objects)',
            render.manifests.length
          )}
        </summary>
        <pre tabIndex={0} aria-label={trans.__('Manifests YAML')}>
          {render.yaml}
        </pre>
      </details>
      {props.offline ? null : deployed ? (
        <div className="jp-OptiServe-muted" role="status">
          {trans.__('Sent to the cluster: its progress, and any problem, appear below.')}
        </div>
      ) : confirm ? (
        <div
          className="jp-OptiServe-confirm"
          role="alertdialog"
          aria-label={trans.__('Confirm deployment')}
          onKeyDown={e => {
            if (e.key === 'Escape') {
              e.preventDefault();
              setConfirm(false); // Escape cancels; focus returns to the Deploy button
              requestAnimationFrame(() => deployButton.current?.focus());
            }
          }}
        >
          <div>{confirmText}</div>
          <div className="jp-OptiServe-toolbar">
            <button
              type="button"
              className="jp-OptiServe-btn jp-mod-accept"
              aria-label={trans.__('Confirm deploy now')}
              autoFocus
              onClick={() => {
                setSentKey(key);
                props.onDeploy({ ...request, name: plan.name }, plan.name, plan.namespace);
              }}
            >
              {props.editing === plan.name ? trans.__('Redeploy now') : trans.__('Deploy now')}
            </button>
            <button
              type="button"
              className="jp-OptiServe-btn"
              aria-label={trans.__('Cancel deploy')}
              onClick={() => {
                setConfirm(false);
                requestAnimationFrame(() => deployButton.current?.focus());
              }}
            >
              {trans.__('Cancel')}
            </button>
          </div>
        </div>
      ) : (
        <button
          ref={deployButton}
          type="button"
          className="jp-OptiServe-btn jp-mod-accept jp-OptiServe-wide"
          aria-label={trans.__('Deploy')}
          disabled={!pre || failed}
          title={failed ? trans.__('Fix the failed preflight checks first') : undefined}
          onClick={() => setConfirm(true)}
        >
          {failed
            ? trans.__('Deploy (fix the failed checks first)')
            : props.editing === plan.name
              ? trans.__('Redeploy…')
              : trans.__('Deploy…')}
        </button>
      )}
    </div>
  );
}
