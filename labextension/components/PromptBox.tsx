import React, { useState } from 'react';
import { requestAPI } from '../request';
import { IPromptResult } from '../types';
import { ErrorBox, HintBlock, SrOnly } from './common';

/** Send one test request to the Ready endpoint through the server. */
export function PromptBox(props: { name: string; namespace?: string }): JSX.Element {
  const [text, setText] = useState('Say hello in one sentence.');
  const [busy, setBusy] = useState(false);
  const [result, setResult] = useState<IPromptResult | null>(null);
  const [error, setError] = useState<unknown>(null);
  const send = async () => {
    if (busy || !text.trim()) {
      return;
    }
    setBusy(true);
    setError(null);
    setResult(null);
    try {
      setResult(
        await requestAPI<IPromptResult>(`deployments/${encodeURIComponent(props.name)}/prompt`, {
          json: { text, max_tokens: 64 },
          query: { namespace: props.namespace }
        })
      );
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };
  return (
    <form
      className="jp-OptiServe-prompt"
      onSubmit={e => {
        e.preventDefault();
        void send();
      }}
    >
      <label>
        Test prompt
        <textarea
          className="jp-OptiServe-input jp-mod-styled"
          rows={2}
          value={text}
          onChange={e => setText(e.target.value)}
        />
      </label>
      <button
        type="submit"
        className="jp-OptiServe-btn jp-mod-accept"
        // stays focusable while sending (aria-disabled, not disabled): focus is not dropped
        aria-disabled={busy || !text.trim()}
      >
        {busy ? 'Sending…' : 'Send'}
        <SrOnly> test prompt</SrOnly>
      </button>
      {error ? <ErrorBox error={error} title="The test request failed" /> : null}
      {result ? (
        result.ok ? (
          <div
            className="jp-OptiServe-answer"
            role="group"
            aria-label="Model answer"
            aria-live="polite"
          >
            <div className="jp-OptiServe-answerText">{result.text}</div>
            <div className="jp-OptiServe-muted">
              {result.ttft_s !== null && result.ttft_s !== undefined
                ? `first token ${(result.ttft_s * 1000).toFixed(0)} ms`
                : ''}
              {result.total_s !== null && result.total_s !== undefined
                ? ` · total ${(result.total_s * 1000).toFixed(0)} ms`
                : ''}
            </div>
          </div>
        ) : (
          <div className="jp-OptiServe-error" role="alert">
            <strong>{result.error ?? 'The endpoint did not answer'}</strong>
            {result.cause ? <div>{result.cause}</div> : null}
            {result.fix ? <HintBlock text={result.fix} /> : null}
          </div>
        )
      ) : null}
    </form>
  );
}
