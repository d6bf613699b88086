import { TranslationBundle } from '@jupyterlab/translation';
import React, { useEffect, useRef, useState } from 'react';
import { IEnv } from '../env';
import { useTrans } from '../i18n';
import { requestAPI } from '../request';
import { useDeployment } from '../useDeployment';
import { Badge, ErrorBox, Loading, withElements } from './common';
import {
  diagnosisOf,
  DiagnosisBox,
  IDiagnosisView,
  remedyLabel,
  unschedulableOf
} from './Diagnosis';
import { ReadyPanel } from './ReadyPanel';
import { TimelineView } from './Timeline';
import { ITimeline } from '../types';

/** How long a pod may stay unschedulable before the panel says so (the server waits minutes,
 * since an autoscaler may add a node). */
export const UNSCHEDULABLE_GRACE_MS = 30000;

/** A successful first request completes the last phase, whatever the last timeline snapshot said. */
function withSmoke(t: ITimeline | null, ok: boolean): ITimeline | null {
  if (!t || !ok) {
    return t;
  }
  return {
    ...t,
    phases: t.phases.map(p =>
      p.phase === 'first-response' && p.state !== 'done' ? { ...p, state: 'done' } : p
    )
  };
}

/** The state badge's words for a deploy task's states (others show as the server names them). */
function stateLabel(state: string, trans: TranslationBundle): string {
  switch (state) {
    case 'connecting':
      return trans._p('deployment state', 'connecting');
    case 'queued':
      return trans._p('deployment state', 'queued');
    case 'preflight':
      return trans._p('deployment state', 'preflight');
    case 'applying':
      return trans._p('deployment state', 'creating objects');
    case 'following':
      return trans._p('deployment state', 'starting');
    case 'smoke':
      return trans._p('deployment state', 'first request');
    case 'ready':
      return trans._p('deployment state', 'ready');
    case 'applied':
      return trans._p('deployment state', 'applied');
    case 'failed':
      return trans._p('deployment state', 'failed');
    case 'timeout':
      return trans._p('deployment state', 'timed out');
    case 'cancelled':
      return trans._p('deployment state', 'cancelled');
    case 'stopped':
      return trans._p('deployment state', 'stopped');
    default:
      return state;
  }
}

/** The request a diagnosis's fix turns the last one into. */
function withRemedy(
  request: Record<string, unknown>,
  remedy: NonNullable<IDiagnosisView['remedy']>
): Record<string, unknown> {
  const out = { ...request };
  if (remedy.max_model_len) {
    out.max_model_len = remedy.max_model_len;
  }
  if (remedy.runtime_args?.length) {
    const have = (request.runtime_args as string[] | undefined) ?? [];
    out.runtime_args = [...have, ...remedy.runtime_args.filter(a => !have.includes(a))];
  }
  return out;
}

/** Ticks while a pod is unschedulable: how long it has been so, in ms (0 when it is not). */
function useUnschedulableFor(active: boolean): number {
  const since = useRef<number | null>(null);
  const [now, setNow] = useState(Date.now());
  useEffect(() => {
    if (!active) {
      since.current = null;
      return;
    }
    since.current = since.current ?? Date.now();
    const t = window.setInterval(() => setNow(Date.now()), 1000);
    return () => window.clearInterval(t);
  }, [active]);
  return active && since.current !== null ? now - since.current : 0;
}

/** Step 6 and the Deployments detail: live timeline, one diagnosis box with the ways forward, then
 * the Ready panel. */
export function DeployView(props: {
  env: IEnv;
  name: string;
  namespace?: string;
  /** "Back to profiles" (the New flow) or back to the list (Deployments). */
  onBack?: () => void;
  backLabel?: string;
}): JSX.Element {
  const trans = useTrans();
  const [generation, setGeneration] = useState(0);
  const s = useDeployment(props.name, props.namespace, generation);
  const ref = useRef<HTMLDivElement>(null);
  const [busy, setBusy] = useState('');
  const [actionError, setActionError] = useState<unknown>(null);
  const [deleted, setDeleted] = useState(false);
  useEffect(() => {
    // (Chromium's scrollIntoView returns a promise: never return it from an effect.)
    void ref.current?.scrollIntoView({ block: 'start' });
  }, [props.name]);
  const ready = s.state === 'ready' || (s.terminal && s.timeline?.outcome === 'ready');
  const failed = ['failed', 'timeout', 'cancelled'].includes(s.state);
  // the Kubernetes object it concerns (kind and name are not translated)
  const where = props.namespace
    ? trans.__('InferenceService %1 in %2', props.name, props.namespace)
    : `InferenceService ${props.name}`;
  const stuck = !s.terminal ? unschedulableOf(s.timeline, where, trans) : null;
  const stuckFor = useUnschedulableFor(!!stuck);
  const warned = !!stuck && stuckFor >= UNSCHEDULABLE_GRACE_MS;
  const view = diagnosisOf(s.state, s.timeline, s.error, where, trans) ?? (warned ? stuck : null);
  const path = `deployments/${encodeURIComponent(props.name)}`;
  const query = { namespace: props.namespace };

  const act = async (what: string, run: () => Promise<void>) => {
    setBusy(what);
    setActionError(null);
    try {
      await run();
    } catch (e) {
      setActionError(e);
    } finally {
      setBusy('');
    }
  };
  const cancel = () =>
    act('cancel', async () => void (await requestAPI(`${path}/cancel`, { method: 'POST', query })));
  const remove = () =>
    act('delete', async () => {
      await requestAPI(path, { method: 'DELETE', query });
      setDeleted(true);
    });
  const redeploy = (remedy: NonNullable<IDiagnosisView['remedy']>) =>
    act('redeploy', async () => {
      if (!s.request) {
        return;
      }
      await requestAPI('deployments', { json: withRemedy(s.request, remedy) });
      setGeneration(g => g + 1);
    });

  const backLabel = props.backLabel ?? trans.__('Back to profiles');
  if (deleted) {
    return (
      <div
        className="jp-OptiServe-deploy"
        aria-label={trans.__('Deployment %1', props.name)}
        ref={ref}
      >
        <div className="jp-OptiServe-okBox" role="status">
          {withElements(
            trans.__('Deleted %1 and everything OptiServe created for it.', '%1'),
            <strong>{props.name}</strong>
          )}
        </div>
        {props.onBack ? (
          <button type="button" className="jp-OptiServe-btn" onClick={props.onBack}>
            {backLabel}
          </button>
        ) : null}
      </div>
    );
  }
  const badge = ready
    ? { kind: 'ok', text: stateLabel('ready', trans) }
    : failed
      ? { kind: 'bad', text: stateLabel(s.state, trans) }
      : warned
        ? { kind: 'warn', text: trans._p('deployment state', 'unschedulable') }
        : { kind: 'info', text: stateLabel(s.state, trans) };
  const fixText = view?.remedy && s.request ? remedyLabel(view.remedy, trans) : '';
  // what every way out of a failed or cancelled deploy offers
  const deleteAndBack = (
    <>
      <button type="button" className="jp-OptiServe-btn" disabled={!!busy} onClick={remove}>
        {busy === 'delete' ? trans.__('Deleting…') : trans.__('Delete')}
      </button>
      {props.onBack ? (
        <button type="button" className="jp-OptiServe-btn" onClick={props.onBack}>
          {backLabel}
        </button>
      ) : null}
    </>
  );
  return (
    <div
      className="jp-OptiServe-deploy"
      role="region"
      aria-label={trans.__('Deployment %1', props.name)}
      ref={ref}
    >
      <div className="jp-OptiServe-deployHead">
        <strong>{props.name}</strong>
        <Badge kind={badge.kind}>
          <span role="status" aria-label={trans.__('Deployment state')}>
            {badge.text}
          </span>
        </Badge>
      </div>
      {s.loadError ? (
        <ErrorBox error={s.loadError} title={trans.__('Could not follow this deployment')} />
      ) : null}
      {!s.timeline && !s.terminal && !s.loadError ? (
        <Loading label={trans.__('Waiting for the first progress event…')} />
      ) : null}
      {view ? (
        <DiagnosisBox view={view}>
          {fixText && view.remedy ? (
            <button
              type="button"
              className="jp-OptiServe-btn jp-mod-accept"
              disabled={!!busy}
              onClick={() => view.remedy && redeploy(view.remedy)}
            >
              {busy === 'redeploy'
                ? trans.__('Redeploying…')
                : trans.__('Apply the fix and redeploy (%1)', fixText)}
            </button>
          ) : null}
          {!s.terminal ? (
            <button
              type="button"
              className="jp-OptiServe-btn jp-mod-warn"
              disabled={!!busy}
              onClick={cancel}
            >
              {busy === 'cancel' ? trans.__('Cancelling…') : trans.__('Cancel')}
            </button>
          ) : null}
          {deleteAndBack}
        </DiagnosisBox>
      ) : null}
      {actionError ? <ErrorBox error={actionError} /> : null}
      <TimelineView timeline={withSmoke(s.timeline, s.smokeOk)} entries={s.entries} />
      {ready && s.url ? (
        <ReadyPanel env={props.env} name={props.name} namespace={props.namespace} url={s.url} />
      ) : null}
      {!s.terminal && !s.loadError ? (
        <div className="jp-OptiServe-following">
          <Loading
            label={trans.__('Following the start-up (you can close this panel; it keeps going)…')}
          />
          {!view ? (
            <button
              type="button"
              className="jp-OptiServe-btn"
              aria-label={trans.__('Cancel deploying %1', props.name)}
              disabled={!!busy}
              onClick={cancel}
            >
              {busy === 'cancel' ? trans.__('Cancelling…') : trans.__('Cancel')}
            </button>
          ) : null}
        </div>
      ) : null}
      {s.state === 'cancelled' && !view ? (
        <div className="jp-OptiServe-warnBox" role="status">
          {trans.__('Cancelled. What was created stays until you delete it.')}
          <div className="jp-OptiServe-toolbar">{deleteAndBack}</div>
        </div>
      ) : null}
    </div>
  );
}
