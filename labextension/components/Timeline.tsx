import React from 'react';
import { ITimeline } from '../types';

const LABEL: Record<string, string> = {
  submitted: 'Submitted',
  scheduled: 'Scheduled on a GPU node',
  'pulling-image': 'Pulling the image',
  'downloading-model': 'Downloading the model',
  loading: 'Loading into GPU memory',
  ready: 'Ready',
  'first-response': 'First response'
};

/** Phases with their state, then the latest messages (a failure's diagnosis is DeployView's box). */
export function TimelineView(props: {
  timeline: ITimeline | null;
  entries: { t_s: number; text: string }[];
}): JSX.Element {
  const t = props.timeline;
  const entries = props.entries.length ? props.entries : (t?.events ?? []);
  return (
    <div className="jp-OptiServe-timeline">
      {t?.phases?.length ? (
        <ol className="jp-OptiServe-phases" aria-label="Deployment phases">
          {t.phases.map(p => (
            <li
              key={p.phase}
              className={`jp-OptiServe-phase jp-OptiServe-phase-${p.state}`}
              aria-label={`${LABEL[p.phase] ?? p.phase}: ${p.state}`}
            >
              <span className="jp-OptiServe-phaseDot" aria-hidden="true" />
              <span className="jp-OptiServe-phaseName">{LABEL[p.phase] ?? p.phase}</span>
              {p.started_s !== null &&
              p.started_s !== undefined &&
              p.ended_s !== null &&
              p.ended_s !== undefined ? (
                <span className="jp-OptiServe-muted">{(p.ended_s - p.started_s).toFixed(1)} s</span>
              ) : null}
              {p.detail ? <div className="jp-OptiServe-phaseDetail">{p.detail}</div> : null}
            </li>
          ))}
        </ol>
      ) : null}
      {entries.length ? (
        <details className="jp-OptiServe-log" open>
          <summary>Messages ({entries.length})</summary>
          <ol aria-live="polite">
            {entries.slice(-12).map((e, i) => (
              <li key={i}>
                <span className="jp-OptiServe-muted">{e.t_s.toFixed(1)}s</span> {e.text}
              </li>
            ))}
          </ol>
        </details>
      ) : null}
    </div>
  );
}
