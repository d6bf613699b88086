import React, { useState } from 'react';
import { APIError } from '../request';

/** One numbered step of the flow; the heading toggles its body. */
export function Step(props: {
  n: number;
  title: string;
  summary?: React.ReactNode;
  open: boolean;
  onToggle?: () => void;
  children: React.ReactNode;
  testId?: string;
}): JSX.Element {
  const bodyId = `jp-OptiServe-step-${props.n}`;
  const heading = (
    <>
      <span className="jp-OptiServe-stepNum" aria-hidden="true">
        {props.n}
      </span>
      <span className="jp-OptiServe-stepName">{props.title}</span>
      {!props.open && props.summary ? (
        <span className="jp-OptiServe-stepSummary">{props.summary}</span>
      ) : null}
    </>
  );
  return (
    <section className="jp-OptiServe-step" aria-labelledby={`${bodyId}-h`} data-step={props.testId}>
      <h3 className="jp-OptiServe-stepTitle" id={`${bodyId}-h`}>
        {props.onToggle ? (
          <button
            type="button"
            className="jp-OptiServe-stepToggle"
            aria-expanded={props.open}
            aria-controls={bodyId}
            aria-label={`Step ${props.n}: ${props.title}`}
            onClick={props.onToggle}
          >
            {heading}
          </button>
        ) : (
          <span className="jp-OptiServe-stepToggle" aria-label={`Step ${props.n}: ${props.title}`}>
            {heading}
          </span>
        )}
      </h3>
      {props.open ? (
        <div className="jp-OptiServe-stepBody" id={bodyId}>
          {props.children}
        </div>
      ) : null}
    </section>
  );
}

export function Loading(props: { label: string }): JSX.Element {
  return (
    <div className="jp-OptiServe-loading" role="status" aria-live="polite">
      <span className="jp-OptiServe-spinner" aria-hidden="true" />
      {props.label}
    </div>
  );
}

export function Empty(props: { children: React.ReactNode; title?: string }): JSX.Element {
  return (
    <div className="jp-OptiServe-empty" role="note">
      {props.title ? <strong>{props.title}</strong> : null}
      <div>{props.children}</div>
    </div>
  );
}

/** `{error, detail, hint}` shown as a problem and its fix. */
export function ErrorBox(props: {
  error: unknown;
  title?: string;
  onRetry?: () => void;
}): JSX.Element {
  const e = props.error;
  const api = e instanceof APIError ? e : null;
  const detail = api ? api.detail : String((e as Error)?.message ?? e);
  return (
    <div className="jp-OptiServe-error" role="alert">
      <strong>{props.title ?? (api ? describeStatus(api) : 'Something went wrong')}</strong>
      <div className="jp-OptiServe-errorDetail">{detail}</div>
      {api?.hint ? <HintBlock text={api.hint} /> : null}
      {props.onRetry ? (
        <button
          type="button"
          className="jp-OptiServe-btn"
          aria-label="Retry"
          onClick={props.onRetry}
        >
          Retry
        </button>
      ) : null}
    </div>
  );
}

function describeStatus(e: APIError): string {
  switch (e.status) {
    case 0:
      return 'The Jupyter server did not answer';
    case 403:
      return 'Not permitted';
    case 404:
      return 'Not found';
    case 409:
      return 'Conflict';
    case 502:
      return 'Cluster unreachable';
    default:
      return e.error || `Error ${e.status}`;
  }
}

/** A hint that may contain shell commands: multi-line hints render as a copyable block. */
export function HintBlock(props: { text: string; label?: string }): JSX.Element {
  if (!props.text.includes('\n')) {
    return <div className="jp-OptiServe-hint">Fix: {props.text}</div>;
  }
  return (
    <div className="jp-OptiServe-hint">
      <CodeBlock text={props.text} label={props.label ?? 'Fix'} />
    </div>
  );
}

export function CodeBlock(props: { text: string; label: string }): JSX.Element {
  return (
    <div className="jp-OptiServe-code">
      <pre tabIndex={0} aria-label={props.label}>
        {props.text}
      </pre>
      <CopyButton text={props.text} label={`Copy ${props.label}`} floating />
    </div>
  );
}

export function CopyButton(props: {
  text: string;
  label: string;
  floating?: boolean;
}): JSX.Element {
  const [done, setDone] = useState(false);
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(props.text);
    } catch {
      fallbackCopy(props.text);
    }
    setDone(true);
    window.setTimeout(() => setDone(false), 1500);
  };
  return (
    <button
      type="button"
      className={`jp-OptiServe-btn${props.floating ? ' jp-OptiServe-copy' : ''}`}
      aria-label={props.label}
      onClick={copy}
    >
      {done ? 'Copied' : 'Copy'}
    </button>
  );
}

function fallbackCopy(text: string): void {
  const area = document.createElement('textarea');
  area.value = text;
  area.setAttribute('readonly', '');
  area.style.position = 'absolute';
  area.style.left = '-9999px';
  document.body.appendChild(area);
  area.select();
  try {
    document.execCommand('copy');
  } finally {
    document.body.removeChild(area);
  }
}

export function Notes(props: { items?: string[]; label: string }): JSX.Element | null {
  if (!props.items?.length) {
    return null;
  }
  return (
    <ul className="jp-OptiServe-notes" aria-label={props.label}>
      {props.items.map((n, i) => (
        <li key={i}>{n}</li>
      ))}
    </ul>
  );
}

export function Badge(props: { kind: string; children: React.ReactNode }): JSX.Element {
  return (
    <span className={`jp-OptiServe-badge jp-OptiServe-badge-${props.kind}`}>{props.children}</span>
  );
}
