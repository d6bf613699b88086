import { TranslationBundle } from '@jupyterlab/translation';
import React, { useState } from 'react';
import { useTrans } from '../i18n';
import { APIError, hintOf } from '../request';

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
  const trans = useTrans();
  const bodyId = `jp-OptiServe-step-${props.n}`;
  // The visible number is decorative; "Step n:" is read from visually hidden text, so the accessible
  // name is the visible text (no aria-label hiding it) and the summary stays part of it.
  const heading = (
    <>
      <span className="jp-OptiServe-stepNum" aria-hidden="true">
        {props.n}
      </span>
      <span className="jp-OptiServe-stepName">
        <span className="jp-OptiServe-srOnly">{trans.__('Step %1:', props.n)} </span>
        {props.title}
      </span>
      {!props.open && props.summary ? (
        <span className="jp-OptiServe-stepSummary">{props.summary}</span>
      ) : null}
    </>
  );
  return (
    <section className="jp-OptiServe-step" aria-labelledby={`${bodyId}-h`} data-step={props.testId}>
      {/* focusable from script: focus moves here when the control that led to this step is gone */}
      <h3 className="jp-OptiServe-stepTitle" id={`${bodyId}-h`} tabIndex={-1}>
        {props.onToggle ? (
          <button
            type="button"
            className="jp-OptiServe-stepToggle"
            aria-expanded={props.open}
            aria-controls={bodyId}
            onClick={props.onToggle}
          >
            {heading}
          </button>
        ) : (
          <span className="jp-OptiServe-stepToggle">{heading}</span>
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
  const trans = useTrans();
  const e = props.error;
  const api = e instanceof APIError ? e : null;
  const detail = api ? api.detail : String((e as Error)?.message ?? e);
  const hint = api ? hintOf(api, trans) : '';
  return (
    <div className="jp-OptiServe-error" role="alert">
      <strong>
        {props.title ?? (api ? describeStatus(api, trans) : trans.__('Something went wrong'))}
      </strong>
      <div className="jp-OptiServe-errorDetail">{detail}</div>
      {hint ? <HintBlock text={hint} /> : null}
      {props.onRetry ? (
        <button type="button" className="jp-OptiServe-btn" onClick={props.onRetry}>
          {trans.__('Retry')}
        </button>
      ) : null}
    </div>
  );
}

function describeStatus(e: APIError, trans: TranslationBundle): string {
  switch (e.status) {
    case 0:
      return trans.__('The Jupyter server did not answer');
    case 403:
      return trans.__('Not permitted');
    case 404:
      return trans.__('Not found');
    case 409:
      return trans.__('Conflict');
    case 502:
      return trans.__('Cluster unreachable');
    default:
      // the server's own error text arrives already written
      return e.error || trans.__('Error %1', e.status);
  }
}

/**
 * A hint that may contain shell commands: multi-line hints render as a copyable block. A leading
 * line of prose ("ask a cluster admin to …:") stays outside the block, so what is copied pastes
 * into a shell as is.
 */
export function HintBlock(props: { text: string; label?: string }): JSX.Element {
  const trans = useTrans();
  if (!props.text.includes('\n')) {
    return <div className="jp-OptiServe-hint">{trans.__('Fix: %1', props.text)}</div>;
  }
  const { prose, code } = splitProse(props.text);
  return (
    <div className="jp-OptiServe-hint">
      {prose ? <p className="jp-OptiServe-hintProse">{prose}</p> : null}
      <CodeBlock
        text={code}
        label={props.label ?? trans._p('noun: the commands that fix a problem', 'Fix')}
      />
    </div>
  );
}

/** The first line when it is prose followed by indented commands, and the commands de-indented. */
export function splitProse(text: string): { prose: string; code: string } {
  const lines = text.split('\n');
  const rest = lines.slice(1).filter(l => l.trim());
  if (lines.length < 2 || /^\s/.test(lines[0]) || !rest.every(l => /^\s/.test(l))) {
    return { prose: '', code: text };
  }
  const indent = Math.min(...rest.map(l => l.length - l.replace(/^\s+/, '').length));
  return {
    prose: lines[0].trim(),
    code: lines
      .slice(1)
      .map(l => l.slice(indent))
      .join('\n')
      .trim()
  };
}

let codeIds = 0;

/** A code block with a bar of its own above it: the block's name and its Copy button. */
export function CodeBlock(props: { text: string; label: string }): JSX.Element {
  const trans = useTrans();
  const [id] = useState(() => `jp-OptiServe-code-${++codeIds}`);
  return (
    <div className="jp-OptiServe-code">
      <div className="jp-OptiServe-codeBar">
        <span id={id} className="jp-OptiServe-codeLabel">
          {props.label}
        </span>
        <CopyButton text={props.text} label={trans.__('Copy %1', props.label)} />
      </div>
      <pre tabIndex={0} role="group" aria-labelledby={id}>
        {props.text}
      </pre>
    </div>
  );
}

/** A Copy button: visible "Copy", named by `label` (translated, "Copy …") for screen readers. */
export function CopyButton(props: { text: string; label: string }): JSX.Element {
  const trans = useTrans();
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
  // the visible word is part of the accessible name (WCAG 2.5.3), which says what is copied
  return (
    <button
      type="button"
      className="jp-OptiServe-btn jp-OptiServe-copy"
      onClick={copy}
      aria-label={done ? trans.__('Copied') : props.label}
    >
      {done ? trans.__('Copied') : trans.__('Copy')}
    </button>
  );
}

/**
 * A translated message with elements in it. Keep the placeholders when translating
 * (`trans.__('Cluster %1, namespace %2', '%1', '%2')`) so a translation may move them; each `%n`
 * is then replaced by the n-th node.
 */
export function withElements(message: string, ...nodes: React.ReactNode[]): JSX.Element {
  const parts = message.split(/%(\d+)/);
  // one inline element per message, so the pieces read as one translated message (i18n.spec.ts)
  return (
    <span className="jp-OptiServe-msg">
      {parts.map((part, i) =>
        i % 2 ? (
          <React.Fragment key={i}>{nodes[Number(part) - 1]}</React.Fragment>
        ) : part ? (
          <React.Fragment key={i}>{part}</React.Fragment>
        ) : null
      )}
    </span>
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

/** Text for screen readers only (e.g. the status a coloured icon shows). */
export function SrOnly(props: { children: React.ReactNode }): JSX.Element {
  return <span className="jp-OptiServe-srOnly">{props.children}</span>;
}

/** Notes without those about the notebook machine's own GPUs (shown only when no cluster is). */
export function withoutLocal(notes: string[]): string[] {
  return notes.filter(n => !/^local GPUs?\b/i.test(n));
}
