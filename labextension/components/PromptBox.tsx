import React, { useState } from 'react';
import { useTrans } from '../i18n';
import { requestAPI } from '../request';
import { IPromptResult } from '../types';
import { ErrorBox, HintBlock, SrOnly } from './common';

/** Send one test request to the Ready endpoint through the server. */
export function PromptBox(props: { name: string; namespace?: string }): JSX.Element {
  const trans = useTrans();
  // the prefilled prompt is the user's to edit; it is sent as the user's text, in their language
  const [text, setText] = useState(() => trans.__('Say hello in one sentence.'));
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
        {trans.__('Test prompt')}
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
        {busy ? trans.__('Sending…') : trans.__('Send')}
        <SrOnly>
          {' '}
          {trans._p('what Send sends, read after it by screen readers', 'test prompt')}
        </SrOnly>
      </button>
      {error ? <ErrorBox error={error} title={trans.__('The test request failed')} /> : null}
      {result ? (
        result.ok ? (
          <div
            className="jp-OptiServe-answer"
            role="group"
            aria-label={trans.__('Model answer')}
            aria-live="polite"
          >
            <div className="jp-OptiServe-answerText">{result.text}</div>
            <div className="jp-OptiServe-muted">
              {result.ttft_s !== null && result.ttft_s !== undefined
                ? trans.__('first token %1', `${(result.ttft_s * 1000).toFixed(0)} ms`)
                : ''}
              {result.total_s !== null && result.total_s !== undefined
                ? ` · ${trans.__('total %1', `${(result.total_s * 1000).toFixed(0)} ms`)}`
                : ''}
            </div>
          </div>
        ) : (
          <div className="jp-OptiServe-error" role="alert">
            <strong>{result.error ?? trans.__('The endpoint did not answer')}</strong>
            {result.cause ? <div>{result.cause}</div> : null}
            {result.fix ? <HintBlock text={result.fix} /> : null}
          </div>
        )
      ) : null}
    </form>
  );
}
