import React, { useState } from 'react';
import { IEnv } from '../env';
import { useTrans } from '../i18n';
import { curlSnippet, pythonSnippet } from '../snippets';
import { CodeBlock, CopyButton, withElements } from './common';
import { PromptBox } from './PromptBox';
import { BenchmarkPanel } from './BenchmarkPanel';

/** A Ready deployment: endpoint, client snippets, insert into notebook, test prompt. */
export function ReadyPanel(props: {
  env: IEnv;
  name: string;
  namespace?: string;
  url: string;
}): JSX.Element {
  const trans = useTrans();
  // what the last "Insert into notebook" did
  const [inserted, setInserted] = useState<'' | 'inserted' | 'no-notebook'>('');
  const py = pythonSnippet(props.url, props.name);
  return (
    <div className="jp-OptiServe-ready" role="region" aria-label={trans.__('Ready endpoint')}>
      <div className="jp-OptiServe-okBox" role="status">
        <div>
          <strong>{trans.__('Ready.')}</strong>{' '}
          {withElements(
            trans.__('Endpoint (OpenAI-compatible, model %1):', '%1'),
            <code>{props.name}</code>
          )}
        </div>
        <div className="jp-OptiServe-endpoint">
          <code role="group" aria-label={trans.__('Endpoint URL')}>
            {props.url}
          </code>
          <CopyButton text={props.url} label={trans.__('Copy endpoint URL')} />
        </div>
      </div>
      <CodeBlock text={curlSnippet(props.url, props.name)} label={trans.__('curl snippet')} />
      <CodeBlock text={py} label={trans.__('Python snippet')} />
      <button
        type="button"
        className="jp-OptiServe-btn"
        aria-label={trans.__('Insert into notebook')}
        onClick={async () =>
          setInserted((await props.env.insertIntoNotebook(py)) ? 'inserted' : 'no-notebook')
        }
      >
        {trans.__('Insert into notebook')}
      </button>
      {inserted ? (
        <span className="jp-OptiServe-muted" role="status">
          {' '}
          {inserted === 'inserted'
            ? trans.__('Inserted below the active cell.')
            : trans.__('Open a notebook first.')}
        </span>
      ) : null}
      <PromptBox name={props.name} namespace={props.namespace} />
      <BenchmarkPanel name={props.name} namespace={props.namespace} />
    </div>
  );
}
