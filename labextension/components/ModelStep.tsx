import React, { useEffect, useMemo, useRef, useState } from 'react';
import { catalog } from '../catalog';
import { IModelChoice, IModelSummary } from '../types';
import { useTrans } from '../i18n';
import { Badge, ErrorBox, Loading, SrOnly } from './common';
import { BringYourOwn } from './BringYourOwn';

/** Step 1: a searchable catalog plus "bring your own". */
export function ModelStep(props: {
  onChoose: (m: IModelChoice) => void;
  chosen: IModelChoice | null;
}): JSX.Element {
  const trans = useTrans();
  const [models, setModels] = useState<IModelSummary[] | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [query, setQuery] = useState('');
  const [attempt, setAttempt] = useState(0);

  useEffect(() => {
    let live = true;
    setError(null);
    catalog(attempt > 0)
      .then(m => live && setModels(m))
      .catch(e => live && setError(e));
    return () => {
      live = false;
    };
  }, [attempt]);

  const shown = useMemo(() => filterModels(models ?? [], query), [models, query]);
  const list = useRef<HTMLUListElement>(null);
  // The catalog is one tab stop: the chosen (else first) model; arrow keys move within the list.
  const current = Math.max(
    0,
    shown.findIndex(m => m.id === props.chosen?.model)
  );
  const choose = (m: IModelSummary) =>
    props.onChoose({ model: m.id, label: m.id, source: 'catalog' });
  const focusItem = (i: number) => {
    const items = list.current?.querySelectorAll<HTMLElement>('.jp-OptiServe-modelItem');
    if (items?.length) {
      items[Math.max(0, Math.min(items.length - 1, i))].focus();
    }
  };
  const onListKey = (e: React.KeyboardEvent, i: number) => {
    const to: Record<string, number> = {
      ArrowDown: i + 1,
      ArrowUp: i - 1,
      Home: 0,
      End: shown.length - 1
    };
    if (e.key in to) {
      e.preventDefault();
      focusItem(to[e.key]);
    }
  };

  return (
    <div className="jp-OptiServe-model">
      <input
        type="search"
        className="jp-OptiServe-input jp-mod-styled"
        placeholder={trans.__('e.g. granite, llama 70b')}
        aria-label={trans.__('Search models')}
        aria-describedby="jp-OptiServe-searchHelp"
        value={query}
        onChange={e => setQuery(e.target.value)}
        onKeyDown={e => {
          // Enter picks the first match; arrow down moves into the list
          if (e.key === 'Enter' && shown.length) {
            e.preventDefault();
            choose(shown[0]);
          } else if (e.key === 'ArrowDown' && shown.length) {
            e.preventDefault();
            focusItem(0);
          }
        }}
      />
      <div id="jp-OptiServe-searchHelp" className="jp-OptiServe-muted">
        {trans.__('Enter picks the first match; arrow keys move through the list.')}
      </div>

      {error ? (
        <ErrorBox
          error={error}
          title={trans.__('Could not load the model catalog')}
          onRetry={() => setAttempt(a => a + 1)}
        />
      ) : null}
      {!models && !error ? <Loading label={trans.__('Loading the catalog…')} /> : null}
      {models ? (
        <ul className="jp-OptiServe-modelList" aria-label={trans.__('Catalog models')} ref={list}>
          {shown.length === 0 ? (
            <li className="jp-OptiServe-muted">
              {trans.__('No catalog model matches “%1”. Try “bring your own” below.', query)}
            </li>
          ) : null}
          {shown.map((m, i) => (
            <li key={m.id}>
              <button
                type="button"
                className={`jp-OptiServe-modelItem${props.chosen?.model === m.id ? ' jp-mod-selected' : ''}`}
                aria-pressed={props.chosen?.model === m.id}
                tabIndex={i === current ? 0 : -1}
                onClick={() => choose(m)}
                onKeyDown={e => onListKey(e, i)}
              >
                <span className="jp-OptiServe-modelName">
                  <SrOnly>{trans.__('Choose model')} </SrOnly>
                  {m.id}
                </span>{' '}
                <span className="jp-OptiServe-modelMeta">
                  {[
                    m.family,
                    m.params_b ? `${m.params_b}B` : null,
                    m.max_context ? trans.__('%1k ctx', Math.round(m.max_context / 1024)) : null,
                    m.license
                  ]
                    .filter(Boolean)
                    .join(' · ')}
                </span>
                <span className="jp-OptiServe-modelBadges">
                  {m.variants?.length ? (
                    <Badge kind="info">
                      {trans._n('%1 quantized', '%1 quantized', m.variants.length)}
                    </Badge>
                  ) : null}
                  {m.modelcar ? <Badge kind="ok">{trans.__('modelcar')}</Badge> : null}
                  {m.moe ? <Badge kind="muted">{trans.__('MoE')}</Badge> : null}
                </span>
              </button>
            </li>
          ))}
        </ul>
      ) : null}
      <BringYourOwn onChoose={props.onChoose} />
    </div>
  );
}

function filterModels(models: IModelSummary[], query: string): IModelSummary[] {
  const words = query.toLowerCase().split(/\s+/).filter(Boolean);
  if (!words.length) {
    return models;
  }
  return models.filter(m => {
    const hay =
      `${m.id} ${m.hf_id} ${m.family ?? ''} ${m.params_b ?? ''}b ${m.license ?? ''}`.toLowerCase();
    return words.every(w => hay.includes(w));
  });
}
