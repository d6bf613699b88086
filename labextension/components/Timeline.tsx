import { TranslationBundle } from '@jupyterlab/translation';
import React from 'react';
import { useTrans } from '../i18n';
import { ITimeline } from '../types';

/** Seconds with the unit symbol, which is not translated (like format.ts's units). */
function seconds(v: number, space = true): string {
  return `${v.toFixed(1)}${space ? ' ' : ''}s`;
}

/** A phase's name (an unknown phase shows as the server names it). */
function phaseLabel(phase: string, trans: TranslationBundle): string {
  switch (phase) {
    case 'submitted':
      return trans.__('Submitted');
    case 'scheduled':
      return trans.__('Scheduled on a GPU node');
    case 'pulling-image':
      return trans.__('Pulling the image');
    case 'downloading-model':
      return trans.__('Downloading the model');
    case 'loading':
      return trans.__('Loading into GPU memory');
    case 'ready':
      return trans._p('deployment phase', 'Ready');
    case 'first-response':
      return trans.__('First response');
    default:
      return phase;
  }
}

/** A phase's state, as a screen reader says it after the phase's name. */
function phaseState(state: string, trans: TranslationBundle): string {
  switch (state) {
    case 'pending':
      return trans._p('phase state', 'pending');
    case 'active':
      return trans._p('phase state', 'active');
    case 'done':
      return trans._p('phase state', 'done');
    case 'failed':
      return trans._p('phase state', 'failed');
    default:
      return state;
  }
}

/** Phases with their state, then the latest messages (a failure's diagnosis is DeployView's box). */
export function TimelineView(props: {
  timeline: ITimeline | null;
  entries: { t_s: number; text: string }[];
}): JSX.Element {
  const trans = useTrans();
  const t = props.timeline;
  const entries = props.entries.length ? props.entries : (t?.events ?? []);
  return (
    <div className="jp-OptiServe-timeline">
      {t?.phases?.length ? (
        <ol className="jp-OptiServe-phases" aria-label={trans.__('Deployment phases')}>
          {t.phases.map(p => (
            <li
              key={p.phase}
              className={`jp-OptiServe-phase jp-OptiServe-phase-${p.state}`}
              aria-label={trans.__(
                '%1: %2',
                phaseLabel(p.phase, trans),
                phaseState(p.state, trans)
              )}
            >
              <span className="jp-OptiServe-phaseDot" aria-hidden="true" />
              <span className="jp-OptiServe-phaseName">{phaseLabel(p.phase, trans)}</span>
              {p.started_s !== null &&
              p.started_s !== undefined &&
              p.ended_s !== null &&
              p.ended_s !== undefined ? (
                <span className="jp-OptiServe-muted">{seconds(p.ended_s - p.started_s)}</span>
              ) : null}
              {p.detail ? <div className="jp-OptiServe-phaseDetail">{p.detail}</div> : null}
            </li>
          ))}
        </ol>
      ) : null}
      {entries.length ? (
        <details className="jp-OptiServe-log" open>
          <summary>{trans.__('Messages (%1)', entries.length)}</summary>
          <ol aria-live="polite">
            {entries.slice(-12).map((e, i) => (
              <li key={i}>
                <span className="jp-OptiServe-muted">{seconds(e.t_s, false)}</span> {e.text}
              </li>
            ))}
          </ol>
        </details>
      ) : null}
    </div>
  );
}
