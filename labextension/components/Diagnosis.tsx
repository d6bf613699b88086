import React, { useEffect, useId, useRef } from 'react';
import { IDiagnosis, IErrorBody, ITimeline } from '../types';
import { HintBlock } from './common';

/** Plain titles for the failure-modes rows that deploy/diagnose.py names. */
const ROW_TITLE: Record<number, string> = {
  1: 'The context does not fit in GPU memory',
  2: 'The GPU ran out of memory',
  4: 'The tensor-parallel size does not suit this model',
  5: 'Shared memory is too small',
  6: 'No node can run this deployment',
  7: 'A health probe stopped the server while it started',
  8: 'The model could not be downloaded',
  9: 'The model needs its own code',
  10: 'This GPU lacks bf16 support',
  11: "This GPU lacks the checkpoint's quantization kernels",
  12: 'The server cannot write its cache',
  14: 'The server image could not be pulled',
  15: "The runtime's vLLM does not know this model"
};

/** Plain titles for the error codes a deploy task ends with. */
const ERROR_TITLE: Record<string, string> = {
  PreflightFailed: 'A check against the cluster failed',
  ConflictError: 'The name is already taken',
  ClusterUnreachableError: 'The cluster did not answer',
  PermissionDeniedError: 'Not permitted',
  InternalError: 'OptiServe hit an internal error',
  InvalidInputError: 'The settings are not valid',
  DeployFailed: 'The model server did not start'
};

export interface IDiagnosisView {
  kind: 'bad' | 'warn';
  title: string;
  cause: string;
  subject: string;
  fix: string;
  evidence: string;
  remedy: IDiagnosis['remedy'];
}

function fromDiagnosis(d: IDiagnosis, kind: 'bad' | 'warn', fallback: string): IDiagnosisView {
  return {
    kind,
    title: (d.failure_mode && ROW_TITLE[d.failure_mode]) || fallback,
    cause: String(d.cause ?? ''),
    subject: String(d.subject ?? ''),
    fix: String(d.fix ?? ''),
    evidence: String(d.evidence ?? ''),
    remedy: d.remedy ?? null
  };
}

/** One view of what went wrong: the timeline's diagnosis when there is one (it names the row, the
 * object and the fix), else the task's error; null while nothing is wrong. */
export function diagnosisOf(
  state: string,
  timeline: ITimeline | null,
  error: IErrorBody | null,
  where: string
): IDiagnosisView | null {
  const outcome = timeline?.outcome;
  const d = timeline?.diagnosis;
  if (d && (outcome === 'failed' || outcome === 'timeout' || state === 'failed')) {
    return fromDiagnosis(d, 'bad', 'The model server did not start');
  }
  if (state === 'timeout' || outcome === 'timeout') {
    return {
      kind: 'bad',
      title: 'Not ready in time',
      cause: error?.detail || 'the server did not become ready before the time limit',
      subject: where,
      fix: error?.hint || 'open the deployment later: it may still be loading; or delete it',
      evidence: '',
      remedy: null
    };
  }
  if (error && state !== 'cancelled') {
    return {
      kind: 'bad',
      title: ERROR_TITLE[error.error] ?? 'The deployment failed',
      cause: error.detail,
      subject: where,
      fix: error.hint,
      evidence: '',
      remedy: null
    };
  }
  return null;
}

/** A pod the scheduler cannot place (shown after a grace; the server fails it only after minutes). */
export function unschedulableOf(timeline: ITimeline | null, where: string): IDiagnosisView | null {
  const phase = timeline?.phases?.find(p => p.phase === 'scheduled');
  if (!phase || phase.state !== 'active' || !phase.detail?.startsWith('Unschedulable')) {
    return null;
  }
  const message = phase.detail.replace(/^Unschedulable:\s*/, '');
  return {
    kind: 'warn',
    title: 'No node can run this deployment yet',
    cause: `the scheduler cannot place the pod: ${message}`,
    subject: where,
    fix: 'free GPUs (stop another deployment), wait for the autoscaler, or cancel and pick a smaller profile',
    evidence: '',
    remedy: null
  };
}

/** A fix the sidebar can apply itself, in words ("context 8192 tokens"). */
export function remedyLabel(remedy: IDiagnosisView['remedy']): string {
  if (!remedy) {
    return '';
  }
  const parts: string[] = [];
  if (remedy.max_model_len) {
    parts.push(`context ${remedy.max_model_len} tokens`);
  }
  if (remedy.runtime_args?.length) {
    parts.push(remedy.runtime_args.join(' '));
  }
  return parts.join(', ');
}

/** The one box per failure: title, cause, the object or image it concerns, the fix, and actions.
 * It is an alert named by its title, and the title takes focus when it appears. */
export function DiagnosisBox(props: {
  view: IDiagnosisView;
  children?: React.ReactNode;
}): JSX.Element {
  const v = props.view;
  const id = useId();
  const title = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    title.current?.focus({ preventScroll: false });
  }, [v.title]);
  return (
    <div
      className={`jp-OptiServe-diagnosis jp-OptiServe-diagnosis-${v.kind}`}
      role="alert"
      aria-labelledby={`${id}-title`}
    >
      <h3 id={`${id}-title`} className="jp-OptiServe-diagnosisTitle" tabIndex={-1} ref={title}>
        {v.title}
      </h3>
      {v.cause ? <div className="jp-OptiServe-diagnosisCause">{capitalize(v.cause)}.</div> : null}
      {v.subject ? (
        <div className="jp-OptiServe-diagnosisSubject">
          Concerns: <code>{v.subject}</code>
        </div>
      ) : null}
      {v.fix ? <HintBlock text={v.fix} /> : null}
      {v.evidence && v.evidence !== v.cause ? (
        <details className="jp-OptiServe-diagnosisEvidence">
          <summary>What the cluster said</summary>
          <pre tabIndex={0}>{v.evidence}</pre>
        </details>
      ) : null}
      {props.children ? (
        <div className="jp-OptiServe-toolbar" role="group" aria-label="What to do next">
          {props.children}
        </div>
      ) : null}
    </div>
  );
}

function capitalize(s: string): string {
  const t = s.replace(/\.\s*$/, '');
  return t.charAt(0).toUpperCase() + t.slice(1);
}
