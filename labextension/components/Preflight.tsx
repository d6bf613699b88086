import { TranslationBundle } from '@jupyterlab/translation';
import React from 'react';
import { useTrans } from '../i18n';
import { ICheck } from '../types';
import { HintBlock, SrOnly } from './common';

const ICON: Record<string, string> = { pass: '✓', warn: '!', fail: '✕', skip: '–' };

/** What a screen reader says instead of the icon. */
function statusLabel(status: string, trans: TranslationBundle): string {
  switch (status) {
    case 'pass':
      return trans._p('preflight check status', 'Passed');
    case 'warn':
      return trans._p('preflight check status', 'Warning');
    case 'fail':
      return trans._p('preflight check status', 'Failed');
    case 'skip':
      return trans._p('preflight check status', 'Skipped');
    default:
      return status;
  }
}

/** Preflight checks, failures first, each with its fix. */
export function PreflightList(props: { checks: ICheck[] }): JSX.Element {
  const trans = useTrans();
  const order = { fail: 0, warn: 1, pass: 2, skip: 3 } as Record<string, number>;
  const checks = [...props.checks].sort((a, b) => order[a.status] - order[b.status]);
  const n = (s: string) => props.checks.filter(c => c.status === s).length;
  const problems = checks.filter(c => c.status === 'fail' || c.status === 'warn');
  const rest = checks.filter(c => c.status !== 'fail' && c.status !== 'warn');
  return (
    <div className="jp-OptiServe-preflight">
      <div className="jp-OptiServe-muted" role="status" aria-label={trans.__('Preflight summary')}>
        {trans.__('Preflight: %1 pass · %2 warn · %3 fail', n('pass'), n('warn'), n('fail'))}
      </div>
      {problems.length ? (
        <CheckList checks={problems} label={trans.__('Preflight problems')} />
      ) : null}
      {rest.length ? (
        <details>
          <summary>{trans.__('Passed checks (%1)', rest.length)}</summary>
          <CheckList checks={rest} label={trans.__('Preflight checks')} />
        </details>
      ) : null}
    </div>
  );
}

function CheckList(props: { checks: ICheck[]; label: string }): JSX.Element {
  const trans = useTrans();
  return (
    <ul aria-label={props.label}>
      {props.checks.map(c => (
        <li key={c.id} className={`jp-OptiServe-check jp-OptiServe-check-${c.status}`}>
          <span className="jp-OptiServe-checkIcon" aria-hidden="true">
            {ICON[c.status] ?? '?'}
          </span>
          <div>
            <div>
              <SrOnly>{trans.__('%1:', statusLabel(c.status, trans))} </SrOnly>
              {c.message}
            </div>
            {c.fix && c.status !== 'pass' ? <HintBlock text={c.fix} /> : null}
          </div>
        </li>
      ))}
    </ul>
  );
}
