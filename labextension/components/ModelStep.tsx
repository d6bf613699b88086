import React, { useEffect, useMemo, useState } from 'react';
import { catalog } from '../catalog';
import { IModelChoice, IModelSummary } from '../types';
import { Badge, ErrorBox, Loading } from './common';
import { BringYourOwn } from './BringYourOwn';

/** Step 1: a searchable catalog plus "bring your own". */
export function ModelStep(props: {
  onChoose: (m: IModelChoice) => void;
  chosen: IModelChoice | null;
}): JSX.Element {
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

  return (
    <div className="jp-OptiServe-model">
      <input
        type="search"
        className="jp-OptiServe-input jp-mod-styled"
        placeholder="Search models (e.g. granite, llama 70b)"
        aria-label="Search models"
        value={query}
        onChange={e => setQuery(e.target.value)}
      />
      {error ? (
        <ErrorBox
          error={error}
          title="Could not load the model catalog"
          onRetry={() => setAttempt(a => a + 1)}
        />
      ) : null}
      {!models && !error ? <Loading label="Loading the catalog…" /> : null}
      {models ? (
        <ul className="jp-OptiServe-modelList" aria-label="Catalog models">
          {shown.length === 0 ? (
            <li className="jp-OptiServe-muted">
              No catalog model matches “{query}”. Try “bring your own” below.
            </li>
          ) : null}
          {shown.map(m => (
            <li key={m.id}>
              <button
                type="button"
                className={`jp-OptiServe-modelItem${props.chosen?.model === m.id ? ' jp-mod-selected' : ''}`}
                aria-label={`Choose model ${m.id}`}
                aria-pressed={props.chosen?.model === m.id}
                onClick={() => props.onChoose({ model: m.id, label: m.id, source: 'catalog' })}
              >
                <span className="jp-OptiServe-modelName">{m.id}</span>
                <span className="jp-OptiServe-modelMeta">
                  {[
                    m.family,
                    m.params_b ? `${m.params_b}B` : null,
                    m.max_context ? `${Math.round(m.max_context / 1024)}k ctx` : null,
                    m.license
                  ]
                    .filter(Boolean)
                    .join(' · ')}
                </span>
                <span className="jp-OptiServe-modelBadges">
                  {m.variants?.length ? (
                    <Badge kind="info">{m.variants.length} quantized</Badge>
                  ) : null}
                  {m.modelcar ? <Badge kind="ok">modelcar</Badge> : null}
                  {m.moe ? <Badge kind="muted">MoE</Badge> : null}
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
