import React, { useEffect, useState } from 'react';
import { ISlo, Kpi } from '../types';
import { SrOnly } from './common';

const CARDS: { id: Kpi; title: string; text: string }[] = [
  { id: 'latency', title: 'Low latency', text: 'Fastest answer per request (chat, agents)' },
  {
    id: 'throughput',
    title: 'High throughput',
    text: 'Most tokens per second (batch, many users)'
  },
  { id: 'balanced', title: 'Balanced', text: 'Good latency at a fair GPU count' },
  { id: 'cost', title: 'Low cost', text: 'Fewest GPUs, quantized weights' }
];

export function kpiTitle(k: string): string {
  return CARDS.find(c => c.id === k)?.title ?? k;
}

/** Step 2: KPI cards (a radio group) and the advanced SLO targets. */
export function KpiStep(props: {
  kpi: Kpi;
  slo: ISlo;
  onKpi: (k: Kpi) => void;
  onSlo: (s: ISlo) => void;
}): JSX.Element {
  const move = (e: React.KeyboardEvent, i: number) => {
    const d =
      e.key === 'ArrowRight' || e.key === 'ArrowDown'
        ? 1
        : e.key === 'ArrowLeft' || e.key === 'ArrowUp'
          ? -1
          : 0;
    if (d) {
      e.preventDefault();
      const next = CARDS[(i + d + CARDS.length) % CARDS.length];
      props.onKpi(next.id);
      const el =
        (e.currentTarget.parentElement?.querySelector(`[data-kpi="${next.id}"]`) as HTMLElement) ??
        null;
      el?.focus();
    }
  };
  return (
    <div>
      <div className="jp-OptiServe-kpis" role="radiogroup" aria-label="KPI">
        {CARDS.map((c, i) => (
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
              <SrOnly>KPI </SrOnly>
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
        Allow 4-bit weights (a published accuracy trade; always allowed for Low cost)
      </label>
      <SloInputs slo={props.slo} onSlo={props.onSlo} />
    </div>
  );
}

const FIELDS: {
  key: 'ttft_ms' | 'itl_ms' | 'concurrency' | 'context';
  label: string;
  unit: string;
}[] = [
  { key: 'ttft_ms', label: 'Time to first token', unit: 'ms' },
  { key: 'itl_ms', label: 'Inter-token latency', unit: 'ms' },
  { key: 'concurrency', label: 'Concurrent users', unit: '' },
  { key: 'context', label: 'Context length', unit: 'tokens' }
];

function SloInputs(props: { slo: ISlo; onSlo: (s: ISlo) => void }): JSX.Element {
  const [draft, setDraft] = useState<Record<string, string>>({});
  useEffect(() => {
    const t = window.setTimeout(() => {
      const next: ISlo = props.slo.allow_precision ? { allow_precision: true } : {};
      for (const f of FIELDS) {
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
      <summary>Advanced: SLO targets</summary>
      <div className="jp-OptiServe-sloGrid">
        {FIELDS.map(f => (
          <label key={f.key}>
            {f.label}
            {f.unit ? ` (${f.unit})` : ''}
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
