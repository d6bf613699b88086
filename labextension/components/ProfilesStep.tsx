import React, { useState } from 'react';
import { IRecommendResult, IRecommendation } from '../types';
import { ms, rate } from '../format';
import { Badge, Empty, ErrorBox, Loading, Notes, withoutLocal } from './common';
import { LatencyThroughputChart } from './Chart';
import { MemoryBar } from './MemoryBar';
import { Benchmarked } from './Benchmarked';

export interface IAlternative {
  label: string;
  apply: () => void;
}

/** Step 4: ranked profiles, the chosen one's reasons, rejected configurations and the chart. */
export function ProfilesStep(props: {
  result: IRecommendResult | null;
  loading: boolean;
  error: unknown;
  selected: number;
  onSelect: (i: number) => void;
  onRetry: () => void;
  /** A cluster is connected: notes about the notebook machine's own GPUs are beside the point. */
  hideLocalNotes?: boolean;
  /** One-click changes that may make something fit (shown when nothing does). */
  alternatives?: IAlternative[];
}): JSX.Element {
  const r = props.result;
  const [all, setAll] = useState(false);
  if (props.error) {
    return <ErrorBox error={props.error} title="Could not rank profiles" onRetry={props.onRetry} />;
  }
  if (!r) {
    return <Loading label="Ranking profiles…" />;
  }
  const recs = r.recommendations;
  const chosen = recs[props.selected];
  const shown = all ? recs.length : Math.max(3, props.selected + 1);
  return (
    <div
      className={`jp-OptiServe-profiles${props.loading ? ' jp-mod-stale' : ''}`}
      aria-busy={props.loading}
    >
      {props.loading ? <Loading label="Updating…" /> : null}
      {recs.length === 0 ? (
        <div className="jp-OptiServe-error" role="alert" aria-label="Nothing fits">
          <div>
            <strong>Nothing fits.</strong> No configuration can serve {r.model.id} for this KPI on
            this hardware. Nothing will be deployed.
          </div>
          {props.alternatives?.length ? (
            <div className="jp-OptiServe-toolbar" role="group" aria-label="Try instead">
              <span>Try instead:</span>
              {props.alternatives.map(a => (
                <button key={a.label} type="button" className="jp-OptiServe-btn" onClick={a.apply}>
                  {a.label}
                </button>
              ))}
            </div>
          ) : (
            <div>
              Try a quantized variant from the catalog, a larger accelerator, or a shorter context.
            </div>
          )}
        </div>
      ) : (
        <>
          <WorkloadLine result={r} />
          <LatencyThroughputChart
            items={recs}
            selected={props.selected}
            onSelect={props.onSelect}
          />
          {chosen ? (
            <div className="jp-OptiServe-why" role="group" aria-label="Why this profile">
              <strong>
                {props.selected === 0
                  ? `Why ${chosen.profile.name} wins`
                  : `About ${chosen.profile.name}`}
              </strong>
              <Notes items={chosen.reasons} label="Reasons" />
              <EngineSettings rec={chosen} />
              {chosen.warnings.length ? (
                <Notes items={chosen.warnings.map(w => `⚠ ${w}`)} label="Warnings" />
              ) : null}
            </div>
          ) : null}
          <div role="radiogroup" aria-label="Ranked profiles" className="jp-OptiServe-profileList">
            {recs.slice(0, shown).map((rec, i) => (
              <ProfileCard
                key={rec.profile.id + i}
                rec={rec}
                rank={i}
                kpi={r.kpi}
                selected={i === props.selected}
                onSelect={() => props.onSelect(i)}
              />
            ))}
          </div>
          {recs.length > shown ? (
            <button
              type="button"
              className="jp-OptiServe-btn jp-OptiServe-linkish"
              onClick={() => setAll(true)}
            >
              Show all {recs.length} profiles
            </button>
          ) : null}
        </>
      )}
      {r.rejected.length ? (
        <details className="jp-OptiServe-rejected" open={recs.length === 0}>
          <summary>Rejected configurations ({r.rejected.length})</summary>
          <ul>
            {r.rejected.map((x, i) => (
              <li key={i}>
                <code>{x.name}</code>: {x.why}
              </li>
            ))}
          </ul>
        </details>
      ) : null}
      <Notes items={props.hideLocalNotes ? withoutLocal(r.notes) : r.notes} label="Ranking notes" />
      {recs.length === 0 && !r.rejected.length ? (
        <Empty>No candidates were generated for this model.</Empty>
      ) : null}
    </div>
  );
}

/** What each KPI ranks by, in words and for one card. */
const RANKED_BY: Record<
  string,
  {
    label: string;
    phrase: string;
    title: string;
    value: (e: IRecommendation['estimate']) => string;
  }
> = {
  latency: {
    phrase: 'request latency',
    label: 'Request',
    title:
      'Request latency: time from sending a request to its last token (what the latency KPI ranks by)',
    value: e => ms(e.request_latency_ms)
  },
  throughput: {
    phrase: 'total output tokens per second',
    label: 'Total',
    title:
      'Total output tokens per second of all replicas at saturation (what the throughput KPI ranks by)',
    value: e => rate(e.output_tokens_per_s)
  },
  balanced: {
    phrase: 'output tokens per second per GPU',
    label: 'Per GPU',
    title:
      'Output tokens per second per GPU, discounted by request latency (what the balanced KPI ranks by)',
    value: e => rate(e.output_tokens_per_s_per_gpu)
  },
  cost: {
    phrase: 'GPU-hours per million output tokens',
    label: 'Per GPU',
    title: 'Output tokens per second per GPU: the cost KPI ranks by GPU-hours per million tokens',
    value: e => rate(e.output_tokens_per_s_per_gpu)
  },
  slo: {
    phrase: 'GPU-hours per million tokens among profiles that meet the targets',
    label: 'Per GPU',
    title: 'Output tokens per second per GPU among profiles that meet the SLO targets',
    value: e => rate(e.output_tokens_per_s_per_gpu)
  }
};

/** The load every number below is judged at, stated once above the profiles. */
function WorkloadLine(props: { result: IRecommendResult }): JSX.Element {
  const { kpi, workload: w, recommendations } = props.result;
  const users =
    kpi === 'throughput'
      ? 'as many concurrent users as fit (saturation)'
      : `${w.concurrency} concurrent user${w.concurrency === 1 ? '' : 's'}`;
  const backend = recommendations[0]?.estimate.backend?.detail;
  return (
    <p className="jp-OptiServe-workload" role="note" aria-label="Workload">
      Assumes {users} · {w.input_len.toLocaleString('en-US')} tokens in /{' '}
      {w.output_len.toLocaleString('en-US')} out. Ranked by {RANKED_BY[kpi]?.phrase ?? kpi}.
      {backend ? <span className="jp-OptiServe-muted"> Estimated with {backend}.</span> : null}
    </p>
  );
}

function ProfileCard(props: {
  rec: IRecommendation;
  rank: number;
  kpi: string;
  selected: boolean;
  onSelect: () => void;
}): JSX.Element {
  const { profile: p, estimate: e } = props.rec;
  const ranked = RANKED_BY[props.kpi];
  const users = e.concurrency ?? 1;
  const nameId = `jp-OptiServe-profile-name-${props.rank}`;
  const metricsId = `jp-OptiServe-profile-metrics-${props.rank}`;
  return (
    <div
      role="radio"
      aria-checked={props.selected}
      aria-labelledby={nameId}
      aria-describedby={metricsId}
      tabIndex={props.selected ? 0 : -1}
      className={`jp-OptiServe-profile${props.selected ? ' jp-mod-selected' : ''}`}
      onClick={props.onSelect}
      onKeyDown={ev => {
        if (ev.key === 'Enter' || ev.key === ' ') {
          ev.preventDefault();
          props.onSelect();
        } else if (ev.key === 'ArrowDown' || ev.key === 'ArrowUp') {
          ev.preventDefault();
          const sib = (
            ev.key === 'ArrowDown'
              ? ev.currentTarget.nextElementSibling
              : ev.currentTarget.previousElementSibling
          ) as HTMLElement | null;
          sib?.click();
          sib?.focus();
        }
      }}
    >
      <div className="jp-OptiServe-profileHead">
        <span className="jp-OptiServe-rank">#{props.rank + 1}</span>
        <span className="jp-OptiServe-profileName" id={nameId}>
          {p.name}
        </span>
        {props.rank === 0 ? <Badge kind="ok">best</Badge> : null}
      </div>
      <dl className="jp-OptiServe-metrics" id={metricsId}>
        {ranked ? (
          <div className="jp-OptiServe-rankedBy">
            <dt>
              <abbr title={ranked.title}>{ranked.label}</abbr>
            </dt>
            <dd>{ranked.value(e)}</dd>
          </div>
        ) : null}
        <div>
          <dt>
            <abbr title="Time to first token: from sending a request until its first token arrives (mean, milliseconds)">
              TTFT
            </abbr>
          </dt>
          <dd>{ms(e.ttft_ms)}</dd>
        </div>
        <div>
          <dt>
            <abbr title="Inter-token latency: mean time between a request's tokens (milliseconds per token)">
              ITL
            </abbr>
          </dt>
          <dd>{ms(e.itl_ms)}</dd>
        </div>
        <div>
          <dt>
            <abbr
              title={`Output tokens per second, all replicas together, at ${users} concurrent request${users === 1 ? '' : 's'}`}
            >
              {users === 1 ? 'Output (1 user)' : `Output (${users} users)`}
            </abbr>
          </dt>
          <dd>{rate(e.output_tokens_per_s)}</dd>
        </div>
        <div>
          <dt>GPUs</dt>
          <dd>
            {p.gpus}× {p.accelerator}
          </dd>
        </div>
      </dl>
      <div className="jp-OptiServe-muted">
        {plainSetup(props.rec)}
        {e.backend ? (
          <span className="jp-OptiServe-backend" title={e.backend.detail}>
            {' '}
            · {e.backend.backend === 'measured' ? 'measured kernels' : 'roofline'}
          </span>
        ) : null}
      </div>
      <MemoryBar memory={e.memory} />
      <Benchmarked rec={props.rec} />
    </div>
  );
}

/** The profile in plain words: weight precision, GPUs, context. */
function plainSetup(rec: IRecommendation): string {
  const p = rec.profile;
  const bits = /4/.test(p.precision) ? 4 : /8/.test(p.precision) ? 8 : 16;
  const replicas = p.replicas ?? 1;
  const split =
    p.gpus > 1
      ? `split over ${p.gpus / replicas} GPUs${replicas > 1 ? ` ×${replicas} copies` : ''}`
      : 'on 1 GPU';
  return `${bits}-bit weights ${split}, up to ${p.max_model_len.toLocaleString('en-US')} tokens of context`;
}

/** vLLM's own terms for the chosen profile, for whoever wants them, under the plain sentence. */
function EngineSettings(props: { rec: IRecommendation }): JSX.Element {
  const { profile: p, estimate: e } = props.rec;
  const rows: [string, string][] = [
    ['Weights', props.rec.quality?.label ?? p.precision],
    ['KV cache dtype', p.kv_cache_dtype ?? 'auto'],
    ['Tensor parallel (TP)', String(p.tp)],
    ['Pipeline parallel (PP)', String(p.pp)],
    ['Replicas', String(p.replicas ?? 1)],
    ['max-model-len', p.max_model_len.toLocaleString('en-US')]
  ];
  if (e.label) {
    rows.push(['Estimate', e.label]);
  }
  return (
    <details className="jp-OptiServe-engine">
      <summary>Engine settings</summary>
      <dl>
        {rows.map(([k, v]) => (
          <div key={k}>
            <dt>{k}</dt>
            <dd>{v}</dd>
          </div>
        ))}
      </dl>
    </details>
  );
}
