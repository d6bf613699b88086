import React, { useState } from 'react';
import { IEnv } from '../env';
import { curlSnippet, pythonSnippet } from '../snippets';
import { CodeBlock, CopyButton } from './common';
import { PromptBox } from './PromptBox';
import { BenchmarkPanel } from './BenchmarkPanel';

/** A Ready deployment: endpoint, client snippets, insert into notebook, test prompt. */
export function ReadyPanel(props: {
  env: IEnv;
  name: string;
  namespace?: string;
  url: string;
}): JSX.Element {
  const [inserted, setInserted] = useState<string>('');
  const py = pythonSnippet(props.url, props.name);
  return (
    <div className="jp-OptiServe-ready" role="region" aria-label="Ready endpoint">
      <div className="jp-OptiServe-okBox" role="status">
        <div>
          <strong>Ready.</strong> Endpoint (OpenAI-compatible, model <code>{props.name}</code>):
        </div>
        <div className="jp-OptiServe-endpoint">
          <code role="group" aria-label="Endpoint URL">
            {props.url}
          </code>
          <CopyButton text={props.url} label="Copy endpoint URL" />
        </div>
      </div>
      <CodeBlock text={curlSnippet(props.url, props.name)} label="curl snippet" />
      <CodeBlock text={py} label="Python snippet" />
      <button
        type="button"
        className="jp-OptiServe-btn"
        aria-label="Insert into notebook"
        onClick={async () =>
          setInserted(
            (await props.env.insertIntoNotebook(py))
              ? 'Inserted below the active cell.'
              : 'Open a notebook first.'
          )
        }
      >
        Insert into notebook
      </button>
      {inserted ? (
        <span className="jp-OptiServe-muted" role="status">
          {' '}
          {inserted}
        </span>
      ) : null}
      <PromptBox name={props.name} namespace={props.namespace} />
      <BenchmarkPanel name={props.name} namespace={props.namespace} />
    </div>
  );
}
