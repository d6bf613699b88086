import React from 'react';
import { ICheck } from '../types';
import { HintBlock, SrOnly } from './common';

const ICON: Record<string, string> = { pass: '✓', warn: '!', fail: '✕', skip: '–' };
// what a screen reader says instead of the icon
const STATUS: Record<string, string> = {
  pass: 'Passed',
  warn: 'Warning',
  fail: 'Failed',
  skip: 'Skipped'
};

/** Preflight checks, failures first, each with its fix. */
export function PreflightList(props: { checks: ICheck[] }): JSX.Element {
  const order = { fail: 0, warn: 1, pass: 2, skip: 3 } as Record<string, number>;
  const checks = [...props.checks].sort((a, b) => order[a.status] - order[b.status]);
  const n = (s: string) => props.checks.filter(c => c.status === s).length;
  const problems = checks.filter(c => c.status === 'fail' || c.status === 'warn');
  const rest = checks.filter(c => c.status !== 'fail' && c.status !== 'warn');
  return (
    <div className="jp-OptiServe-preflight">
      <div className="jp-OptiServe-muted" role="status" aria-label="Preflight summary">
        Preflight: {n('pass')} pass · {n('warn')} warn · {n('fail')} fail
      </div>
      {problems.length ? <CheckList checks={problems} label="Preflight problems" /> : null}
      {rest.length ? (
        <details>
          <summary>Passed checks ({rest.length})</summary>
          <CheckList checks={rest} label="Preflight checks" />
        </details>
      ) : null}
    </div>
  );
}

function CheckList(props: { checks: ICheck[]; label: string }): JSX.Element {
  return (
    <ul aria-label={props.label}>
      {props.checks.map(c => (
        <li key={c.id} className={`jp-OptiServe-check jp-OptiServe-check-${c.status}`}>
          <span className="jp-OptiServe-checkIcon" aria-hidden="true">
            {ICON[c.status] ?? '?'}
          </span>
          <div>
            <div>
              <SrOnly>{STATUS[c.status] ?? c.status}: </SrOnly>
              {c.message}
            </div>
            {c.fix && c.status !== 'pass' ? <HintBlock text={c.fix} /> : null}
          </div>
        </li>
      ))}
    </ul>
  );
}
