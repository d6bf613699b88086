import React, { useEffect, useRef, useState } from 'react';
import { requestAPI } from '../request';
import { useTrans } from '../i18n';
import { followEvents, IServerEvent } from '../sse';
import { ErrorBox } from './common';

/** One finished level: measured statistics, and the estimator's prediction for the same load. */
interface ILevel {
  concurrency: number;
  requests: number;
  errors: number;
  ttft_ms?: { mean?: number } | null;
  itl_ms?: { mean?: number } | null;
  output_tokens_per_s?: number | null;
  predicted?: { ttft_ms?: number; itl_ms?: number; output_tokens_per_s?: number } | null;
  error_pct?: Record<string, number | null> | null;
}

interface IProgress {
  index: number;
  levels: number;
  done: number;
  requests: number;
  concurrency?: number;
}

const LEVELS = [1, 4, 8];
const REQUESTS_PER_LEVEL = 8;

/** A Ready deployment's "Benchmark": measure it at a few loads, then predicted vs measured. */
export function BenchmarkPanel(props: { name: string; namespace?: string }): JSX.Element {
  const trans = useTrans();
  const [state, setState] = useState<'idle' | 'running' | 'done' | 'failed'>('idle');
  const [progress, setProgress] = useState<IProgress | null>(null);
  const [levels, setLevels] = useState<ILevel[]>([]);
  const [error, setError] = useState<unknown>(null);
  const abort = useRef<AbortController | null>(null);
  const result = useRef<HTMLDivElement>(null);
  useEffect(() => () => abort.current?.abort(), []);

  const start = async () => {
    abort.current?.abort();
    const ctl = new AbortController();
    abort.current = ctl;
    setState('running');
    setLevels([]);
    setProgress(null);
    setError(null);
    try {
      const task = await requestAPI<{ id: string }>('benchmarks', {
        json: {
          name: props.name,
          namespace: props.namespace,
          concurrency: LEVELS,
          requests_per_level: REQUESTS_PER_LEVEL,
          mode: 'client'
        }
      });
      let failed = false;
      await followEvents(
        `benchmarks/${encodeURIComponent(task.id)}/events`,
        (e: IServerEvent) => {
          if (e.event === 'progress') {
            setProgress(e.data as IProgress);
          } else if (e.event === 'level') {
            setLevels(prev => [...prev, e.data as ILevel]);
          } else if (e.event === 'error') {
            failed = true;
            setError(e.data);
          }
        },
        ctl.signal
      );
      setState(failed ? 'failed' : 'done');
      // the result replaces the button that had focus: keep the keyboard user in place
      requestAnimationFrame(() => result.current?.focus());
    } catch (e) {
      if (!ctl.signal.aborted) {
        setError(e);
        setState('failed');
      }
    }
  };

  return (
    <section className="jp-OptiServe-benchmark" aria-label={trans.__('Benchmark')}>
      <div className="jp-OptiServe-toolbar">
        <button
          type="button"
          className="jp-OptiServe-btn"
          onClick={start}
          disabled={state === 'running'}
        >
          {state === 'running'
            ? trans.__('Benchmarking…')
            : state === 'idle'
              ? trans.__('Benchmark')
              : trans.__('Benchmark again')}
        </button>
        <span className="jp-OptiServe-muted">
          {trans.__(
            '%1 concurrent users, %2 requests each, from this workbench; compared with the estimate.',
            LEVELS.join(', '),
            REQUESTS_PER_LEVEL
          )}
        </span>
      </div>
      {state === 'running' && progress ? (
        <div role="status" aria-label={trans.__('Benchmark progress')}>
          {progress.concurrency
            ? trans._n(
                'Level %2 of %3 (%1 user):',
                'Level %2 of %3 (%1 users):',
                progress.concurrency,
                progress.index + 1,
                progress.levels
              )
            : trans.__('Level %1 of %2:', progress.index + 1, progress.levels)}{' '}
          <progress
            max={progress.requests}
            value={progress.done}
            aria-label={trans.__('Level %1 progress', progress.index + 1)}
          />{' '}
          {progress.done}/{progress.requests}
        </div>
      ) : null}
      {error ? (
        <ErrorBox error={error} title={trans.__('Benchmark failed')} onRetry={start} />
      ) : null}
      {levels.length ? (
        <div ref={result} tabIndex={-1} role="group" aria-label={trans.__('Benchmark result')}>
          <MetricChart levels={levels} metric="ttft_ms" title={trans.__('TTFT (ms)')} />
          <MetricChart levels={levels} metric="itl_ms" title={trans.__('ITL (ms/token)')} />
          <table className="jp-OptiServe-table" aria-label={trans.__('Predicted versus measured')}>
            <thead>
              <tr>
                <th scope="col">{trans.__('Users')}</th>
                <th scope="col">{trans.__('TTFT measured / estimated')}</th>
                <th scope="col">{trans.__('ITL measured / estimated')}</th>
              </tr>
            </thead>
            <tbody>
              {levels.map(l => (
                <tr key={l.concurrency}>
                  <td>{l.concurrency}</td>
                  <td>{cell(l, 'ttft_ms')}</td>
                  <td>{cell(l, 'itl_ms')}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
    </section>
  );
}

function measured(l: ILevel, m: 'ttft_ms' | 'itl_ms'): number | undefined {
  return l[m]?.mean ?? undefined;
}

function cell(l: ILevel, m: 'ttft_ms' | 'itl_ms'): string {
  const meas = measured(l, m);
  const pred = l.predicted?.[m];
  const err = l.error_pct?.[m];
  const f = (v?: number) =>
    v === undefined || v === null ? '–' : v < 10 ? v.toFixed(2) : v.toFixed(0);
  return `${f(meas)} / ${f(pred)}${err === undefined || err === null ? '' : ` (${err > 0 ? '+' : ''}${err.toFixed(0)}%)`}`;
}

/** Measured (filled) and estimated (hollow) points against concurrency, on an axis from zero. */
function MetricChart(props: {
  levels: ILevel[];
  metric: 'ttft_ms' | 'itl_ms';
  title: string;
}): JSX.Element {
  const trans = useTrans();
  const W = 220;
  const H = 90;
  const pad = 24;
  const pts = props.levels.map(l => ({
    c: l.concurrency,
    m: measured(l, props.metric),
    p: l.predicted?.[props.metric]
  }));
  const top = Math.max(1, ...pts.map(p => Math.max(p.m ?? 0, p.p ?? 0))) * 1.1;
  const x = (i: number) =>
    pad + (pts.length === 1 ? (W - 2 * pad) / 2 : (i * (W - 2 * pad)) / (pts.length - 1));
  const y = (v: number) => H - pad + 8 - (v / top) * (H - pad);
  return (
    <svg
      width={W}
      height={H}
      role="img"
      aria-label={trans.__('%1: measured versus estimated by concurrency', props.title)}
      className="jp-OptiServe-benchChart"
    >
      <text x={2} y={10} className="jp-OptiServe-chartLabel">
        {trans.__('%1 · ● measured ○ estimated', props.title)}
      </text>
      <line x1={pad} y1={y(0)} x2={W - pad} y2={y(0)} className="jp-OptiServe-axis" />
      {pts.map((p, i) => (
        <g key={p.c}>
          {p.m !== undefined ? (
            <circle cx={x(i)} cy={y(p.m)} r={4} className="jp-OptiServe-measured" />
          ) : null}
          {p.p !== undefined ? (
            <circle cx={x(i)} cy={y(p.p)} r={4} className="jp-OptiServe-predicted" />
          ) : null}
          <text x={x(i)} y={H - 2} textAnchor="middle" className="jp-OptiServe-chartLabel">
            {p.c}
          </text>
        </g>
      ))}
    </svg>
  );
}
