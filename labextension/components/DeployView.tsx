import React, { useEffect, useRef } from 'react';
import { IEnv } from '../env';
import { useDeployment } from '../useDeployment';
import { Badge, ErrorBox, HintBlock, Loading } from './common';
import { ReadyPanel } from './ReadyPanel';
import { TimelineView } from './Timeline';
import { ITimeline } from '../types';

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

const STATE_LABEL: Record<string, string> = {
  connecting: 'connecting',
  queued: 'queued',
  preflight: 'preflight',
  applying: 'creating objects',
  following: 'starting',
  smoke: 'first request',
  ready: 'ready',
  applied: 'applied',
  failed: 'failed',
  timeout: 'timed out',
  cancelled: 'cancelled',
  stopped: 'stopped'
};

/** Step 6 and the Deployments detail: live timeline, then the Ready panel. */
export function DeployView(props: { env: IEnv; name: string; namespace?: string }): JSX.Element {
  const s = useDeployment(props.name, props.namespace);
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => {
    // (Chromium's scrollIntoView returns a promise: never return it from an effect.)
    void ref.current?.scrollIntoView({ block: 'start' });
  }, [props.name]);
  const ready = s.state === 'ready' || s.timeline?.outcome === 'ready';
  const failed = ['failed', 'timeout', 'cancelled'].includes(s.state);
  return (
    <div
      className="jp-OptiServe-deploy"
      role="region"
      aria-label={`Deployment ${props.name}`}
      ref={ref}
    >
      <div className="jp-OptiServe-deployHead">
        <strong>{props.name}</strong>
        <Badge kind={ready ? 'ok' : failed ? 'bad' : 'info'}>
          <span role="status" aria-label="Deployment state">
            {STATE_LABEL[s.state] ?? s.state}
          </span>
        </Badge>
      </div>
      {s.loadError ? (
        <ErrorBox error={s.loadError} title="Could not follow this deployment" />
      ) : null}
      {!s.timeline && !s.terminal && !s.loadError ? (
        <Loading label="Waiting for the first progress event…" />
      ) : null}
      <TimelineView timeline={withSmoke(s.timeline, s.smokeOk)} entries={s.entries} />
      {s.error ? (
        <div className="jp-OptiServe-error" role="alert" aria-label="Deploy error">
          <strong>{s.error.error}</strong>
          <div>{s.error.detail}</div>
          {s.error.hint ? <HintBlock text={s.error.hint} /> : null}
        </div>
      ) : null}
      {ready && s.url ? (
        <ReadyPanel env={props.env} name={props.name} namespace={props.namespace} url={s.url} />
      ) : null}
      {!s.terminal && !s.loadError ? (
        <Loading label="Following the start-up (you can close this panel; it keeps going)…" />
      ) : null}
    </div>
  );
}
