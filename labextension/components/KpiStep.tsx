import React, { useEffect, useState } from 'react';
import { TranslationBundle } from '@jupyterlab/translation';
import { ISlo, Kpi } from '../types';
import { useTrans } from '../i18n';
import { SrOnly } from './common';

/** The KPI cards, in order, in the user's language. */
function cards(trans: TranslationBundle): { id: Kpi; title: string; text: string }[] {
  return [
    {
      id: 'latency',
      title: trans.__('Low latency'),
      text: trans.__('Fastest answer per request (chat, agents)')
    },
    {
      id: 'throughput',
      title: trans.__('High throughput'),
      text: trans.__('Most tokens per second (batch, many users)')
    },
    {
      id: 'balanced',
      title: trans.__('Balanced'),
      text: trans.__('Good latency at a fair GPU count')
    },
    { id: 'cost', title: trans.__('Low cost'), text: trans.__('Fewest GPUs, quantized weights') }
  ];
}

/** A KPI's card title (the id itself for an unknown KPI). */
export function kpiTitle(k: string, trans: TranslationBundle): string {
  return cards(trans).find(c => c.id === k)?.title ?? k;
}

/** Step 2: KPI cards (a radio group) and the advanced SLO targets. */
export function KpiStep(props: {
  kpi: Kpi;
  slo: ISlo;
  onKpi: (k: Kpi) => void;
  onSlo: (s: ISlo) => void;
}): JSX.Element {
  const trans = useTrans();
  const kpis = cards(trans);
  const move = (e: React.KeyboardEvent, i: number) => {
    const d =
      e.key === 'ArrowRight' || e.key === 'ArrowDown'
        ? 1
        : e.key === 'ArrowLeft' || e.key === 'ArrowUp'
          ? -1
          : 0;
    if (d) {
      e.preventDefault();
      const next = kpis[(i + d + kpis.length) % kpis.length];
      props.onKpi(next.id);
      const el =
        (e.currentTarget.parentElement?.querySelector(`[data-kpi="${next.id}"]`) as HTMLElement) ??
        null;
      el?.focus();
    }
  };
  return (
    <div>
      <div className="jp-OptiServe-kpis" role="radiogroup" aria-label={trans.__('KPI')}>
        {kpis.map((c, i) => (
          <button
            type="button"
            key={c.id}
            data-kpi={c.id}
            role="radio"
            aria-checked={props.kpi === c.id}
            tabIndex={props.kpi === c.id ? 0 : -1}
            className={`jp-OptiServe-kpi${props.kpi === c.id ? ' jp-mod-selected' : ''}`}
            onClick={() => props.onKpi(c.id)}
            onKeyDown={e => move(e, i)}
          >
            <span className="jp-OptiServe-kpiTitle">
              <SrOnly>{trans.__('KPI')} </SrOnly>
              {c.title}
            </span>{' '}
            <span className="jp-OptiServe-kpiText">{c.text}</span>
          </button>
        ))}
      </div>
      <label className="jp-OptiServe-muted jp-OptiServe-checkLabel">
        <input
          type="checkbox"
          checked={!!props.slo.allow_precision}
          onChange={e =>
            props.onSlo({ ...props.slo, allow_precision: e.target.checked || undefined })
          }
        />{' '}
        {trans.__('Allow 4-bit weights (a published accuracy trade; always allowed for Low cost)')}
      </label>
      <SloInputs slo={props.slo} onSlo={props.onSlo} />
    </div>
  );
}

/** The SLO target fields; each label names its unit. */
function fields(
  trans: TranslationBundle
): { key: 'ttft_ms' | 'itl_ms' | 'concurrency' | 'context'; label: string }[] {
  return [
    { key: 'ttft_ms', label: trans.__('Time to first token (ms)') },
    { key: 'itl_ms', label: trans.__('Inter-token latency (ms)') },
    { key: 'concurrency', label: trans.__('Concurrent users') },
    { key: 'context', label: trans.__('Context length (tokens)') }
  ];
}

function SloInputs(props: { slo: ISlo; onSlo: (s: ISlo) => void }): JSX.Element {
  const trans = useTrans();
  const sloFields = fields(trans);
  const [draft, setDraft] = useState<Record<string, string>>({});
  useEffect(() => {
    const t = window.setTimeout(() => {
      const next: ISlo = props.slo.allow_precision ? { allow_precision: true } : {};
      for (const f of sloFields) {
        const v = Number(draft[f.key]);
        if (draft[f.key] && isFinite(v) && v > 0) {
          next[f.key] = f.key === 'concurrency' || f.key === 'context' ? Math.round(v) : v;
        }
      }
      if (JSON.stringify(next) !== JSON.stringify(props.slo)) {
        props.onSlo(next);
      }
    }, 400);
    return () => window.clearTimeout(t);
    // eslint-disable-next-line react-hooks/exhaustive-deps -- keyed on purpose: re-run only when the listed inputs change
  }, [draft]);
  return (
    <details className="jp-OptiServe-advanced">
      <summary>{trans.__('Advanced: SLO targets')}</summary>
      <div className="jp-OptiServe-sloGrid">
        {sloFields.map(f => (
          <label key={f.key}>
            {f.label}
            <input
              type="number"
              min={1}
              className="jp-OptiServe-input jp-mod-styled"
              value={draft[f.key] ?? ''}
              onChange={e => setDraft({ ...draft, [f.key]: e.target.value })}
            />
          </label>
        ))}
      </div>
    </details>
  );
}
