import { TranslationBundle } from '@jupyterlab/translation';
import React, { useEffect, useId, useRef } from 'react';
import { useTrans } from '../i18n';
import { IDiagnosis, IErrorBody, ITimeline } from '../types';
import { HintBlock } from './common';

/** Plain titles for the failure-modes rows that deploy/diagnose.py names. */
function rowTitle(row: number, trans: TranslationBundle): string | undefined {
  switch (row) {
    case 1:
      return trans.__('The context does not fit in GPU memory');
    case 2:
      return trans.__('The GPU ran out of memory');
    case 4:
      return trans.__('The tensor-parallel size does not suit this model');
    case 5:
      return trans.__('Shared memory is too small');
    case 6:
      return trans.__('No node can run this deployment');
    case 7:
      return trans.__('A health probe stopped the server while it started');
    case 8:
      return trans.__('The model could not be downloaded');
    case 9:
      return trans.__('The model needs its own code');
    case 10:
      return trans.__('This GPU lacks bf16 support');
    case 11:
      return trans.__("This GPU lacks the checkpoint's quantization kernels");
    case 12:
      return trans.__('The server cannot write its cache');
    case 14:
      return trans.__('The server image could not be pulled');
    case 15:
      return trans.__("The runtime's vLLM does not know this model");
    default:
      return undefined;
  }
}

/** Plain titles for the error codes a deploy task ends with. */
function errorTitle(code: string, trans: TranslationBundle): string | undefined {
  switch (code) {
    case 'PreflightFailed':
      return trans.__('A check against the cluster failed');
    case 'ConflictError':
      return trans.__('The name is already taken');
    case 'ClusterUnreachableError':
      return trans.__('The cluster did not answer');
    case 'PermissionDeniedError':
      return trans.__('Not permitted');
    case 'InternalError':
      return trans.__('OptiServe hit an internal error');
    case 'InvalidInputError':
      return trans.__('The settings are not valid');
    case 'DeployFailed':
      return trans.__('The model server did not start');
    default:
      return undefined;
  }
}

export interface IDiagnosisView {
  kind: 'bad' | 'warn';
  title: string;
  cause: string;
  subject: string;
  fix: string;
  evidence: string;
  remedy: IDiagnosis['remedy'];
}

function fromDiagnosis(
  d: IDiagnosis,
  kind: 'bad' | 'warn',
  fallback: string,
  trans: TranslationBundle
): IDiagnosisView {
  return {
    kind,
    title: (d.failure_mode && rowTitle(d.failure_mode, trans)) || fallback,
    cause: String(d.cause ?? ''),
    subject: String(d.subject ?? ''),
    fix: String(d.fix ?? ''),
    evidence: String(d.evidence ?? ''),
    remedy: d.remedy ?? null
  };
}

/** One view of what went wrong: the timeline's diagnosis when there is one (it names the row, the
 * object and the fix), else the task's error; null while nothing is wrong, and for a deploy the
 * user cancelled: once its task has ended, the timeline is the cluster's snapshot, which may still
 * judge the objects left behind (an unschedulable pod), and the cancel is the answer to that. */
export function diagnosisOf(
  state: string,
  timeline: ITimeline | null,
  error: IErrorBody | null,
  where: string,
  trans: TranslationBundle
): IDiagnosisView | null {
  if (state === 'cancelled') {
    return null;
  }
  const outcome = timeline?.outcome;
  const d = timeline?.diagnosis;
  if (d && (outcome === 'failed' || outcome === 'timeout' || state === 'failed')) {
    return fromDiagnosis(d, 'bad', trans.__('The model server did not start'), trans);
  }
  if (state === 'timeout' || outcome === 'timeout') {
    return {
      kind: 'bad',
      title: trans.__('Not ready in time'),
      cause: error?.detail || trans.__('the server did not become ready before the time limit'),
      subject: where,
      fix:
        error?.hint || trans.__('open the deployment later: it may still be loading; or delete it'),
      evidence: '',
      remedy: null
    };
  }
  if (error) {
    return {
      kind: 'bad',
      title: errorTitle(error.error, trans) ?? trans.__('The deployment failed'),
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
export function unschedulableOf(
  timeline: ITimeline | null,
  where: string,
  trans: TranslationBundle
): IDiagnosisView | null {
  const phase = timeline?.phases?.find(p => p.phase === 'scheduled');
  if (!phase || phase.state !== 'active' || !phase.detail?.startsWith('Unschedulable')) {
    return null;
  }
  const message = phase.detail.replace(/^Unschedulable:\s*/, '');
  return {
    kind: 'warn',
    title: trans.__('No node can run this deployment yet'),
    cause: trans.__('the scheduler cannot place the pod: %1', message),
    subject: where,
    fix: trans.__(
      'free GPUs (stop another deployment), wait for the autoscaler, or cancel and pick a smaller profile'
    ),
    evidence: '',
    remedy: null
  };
}

/** A fix the sidebar can apply itself, in words ("context 8192 tokens"). */
export function remedyLabel(remedy: IDiagnosisView['remedy'], trans: TranslationBundle): string {
  if (!remedy) {
    return '';
  }
  const parts: string[] = [];
  if (remedy.max_model_len) {
    parts.push(trans._n('context %1 token', 'context %1 tokens', remedy.max_model_len));
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
  const trans = useTrans();
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
          {trans.__('Concerns:')} <code>{v.subject}</code>
        </div>
      ) : null}
      {v.fix ? <HintBlock text={v.fix} /> : null}
      {v.evidence && v.evidence !== v.cause ? (
        <details className="jp-OptiServe-diagnosisEvidence">
          <summary>{trans.__('What the cluster said')}</summary>
          <pre tabIndex={0}>{v.evidence}</pre>
        </details>
      ) : null}
      {props.children ? (
        <div className="jp-OptiServe-toolbar" role="group" aria-label={trans.__('What to do next')}>
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
