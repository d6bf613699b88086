import React, { useState } from 'react';
import { TranslationBundle } from '@jupyterlab/translation';
import { IRecommendResult, IRecommendation } from '../types';
import { ms, rate } from '../format';
import { useTrans } from '../i18n';
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
  const trans = useTrans();
  const r = props.result;
  const [all, setAll] = useState(false);
  if (props.error) {
    return (
      <ErrorBox
        error={props.error}
        title={trans.__('Could not rank profiles')}
        onRetry={props.onRetry}
      />
    );
  }
  if (!r) {
    return <Loading label={trans.__('Ranking profiles…')} />;
  }
  const recs = r.recommendations;
  const chosen = recs[props.selected];
  const shown = all ? recs.length : Math.max(3, props.selected + 1);
  return (
    <div
      className={`jp-OptiServe-profiles${props.loading ? ' jp-mod-stale' : ''}`}
      aria-busy={props.loading}
    >
      {props.loading ? <Loading label={trans.__('Updating…')} /> : null}
      {recs.length === 0 ? (
        <div className="jp-OptiServe-error" role="alert" aria-label={trans.__('Nothing fits')}>
          <div>
            <strong>{trans.__('Nothing fits.')}</strong>{' '}
            {trans.__(
              'No configuration can serve %1 for this KPI on this hardware. Nothing will be deployed.',
              r.model.id
            )}
          </div>
          {props.alternatives?.length ? (
            <div className="jp-OptiServe-toolbar" role="group" aria-label={trans.__('Try instead')}>
              <span>{trans.__('Try instead:')}</span>
              {props.alternatives.map(a => (
                <button key={a.label} type="button" className="jp-OptiServe-btn" onClick={a.apply}>
                  {a.label}
                </button>
              ))}
            </div>
          ) : (
            <div>
              {trans.__(
                'Try a quantized variant from the catalog, a larger accelerator, or a shorter context.'
              )}
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
            <div
              className="jp-OptiServe-why"
              role="group"
              aria-label={trans.__('Why this profile')}
            >
              <strong>
                {props.selected === 0
                  ? trans.__('Why %1 wins', chosen.profile.name)
                  : trans.__('About %1', chosen.profile.name)}
              </strong>
              <Notes items={chosen.reasons} label={trans.__('Reasons')} />
              <EngineSettings rec={chosen} />
              {chosen.warnings.length ? (
                <Notes items={chosen.warnings.map(w => `⚠ ${w}`)} label={trans.__('Warnings')} />
              ) : null}
            </div>
          ) : null}
          <div
            role="radiogroup"
            aria-label={trans.__('Ranked profiles')}
            className="jp-OptiServe-profileList"
          >
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
              {trans._n('Show all %1 profiles', 'Show all %1 profiles', recs.length)}
            </button>
          ) : null}
        </>
      )}
      {r.rejected.length ? (
        <details className="jp-OptiServe-rejected" open={recs.length === 0}>
          <summary>{trans.__('Rejected configurations (%1)', r.rejected.length)}</summary>
          <ul>
            {r.rejected.map((x, i) => (
              <li key={i}>
                <code>{x.name}</code>: {x.why}
              </li>
            ))}
          </ul>
        </details>
      ) : null}
      <Notes
        items={props.hideLocalNotes ? withoutLocal(r.notes) : r.notes}
        label={trans.__('Ranking notes')}
      />
      {recs.length === 0 && !r.rejected.length ? (
        <Empty>{trans.__('No candidates were generated for this model.')}</Empty>
      ) : null}
    </div>
  );
}

interface IRankedBy {
  label: string;
  phrase: string;
  title: string;
  value: (e: IRecommendation['estimate']) => string;
}

/** What a KPI ranks by, in words and for one card (undefined for an unknown KPI). */
function rankedBy(kpi: string, trans: TranslationBundle): IRankedBy | undefined {
  switch (kpi) {
    case 'latency':
      return {
        phrase: trans.__('request latency'),
        label: trans.__('Request'),
        title: trans.__(
          'Request latency: time from sending a request to its last token (what the latency KPI ranks by)'
        ),
        value: e => ms(e.request_latency_ms)
      };
    case 'throughput':
      return {
        phrase: trans.__('total output tokens per second'),
        label: trans.__('Total'),
        title: trans.__(
          'Total output tokens per second of all replicas at saturation (what the throughput KPI ranks by)'
        ),
        value: e => rate(e.output_tokens_per_s)
      };
    case 'balanced':
      return {
        phrase: trans.__('output tokens per second per GPU'),
        label: trans.__('Per GPU'),
        title: trans.__(
          'Output tokens per second per GPU, discounted by request latency (what the balanced KPI ranks by)'
        ),
        value: e => rate(e.output_tokens_per_s_per_gpu)
      };
    case 'cost':
      return {
        phrase: trans.__('GPU-hours per million output tokens'),
        label: trans.__('Per GPU'),
        title: trans.__(
          'Output tokens per second per GPU: the cost KPI ranks by GPU-hours per million tokens'
        ),
        value: e => rate(e.output_tokens_per_s_per_gpu)
      };
    case 'slo':
      return {
        phrase: trans.__('GPU-hours per million tokens among profiles that meet the targets'),
        label: trans.__('Per GPU'),
        title: trans.__(
          'Output tokens per second per GPU among profiles that meet the SLO targets'
        ),
        value: e => rate(e.output_tokens_per_s_per_gpu)
      };
    default:
      return undefined;
  }
}

/** The load every number below is judged at, stated once above the profiles. */
function WorkloadLine(props: { result: IRecommendResult }): JSX.Element {
  const trans = useTrans();
  const { kpi, workload: w, recommendations } = props.result;
  const tokensIn = w.input_len.toLocaleString('en-US');
  const tokensOut = w.output_len.toLocaleString('en-US');
  const phrase = rankedBy(kpi, trans)?.phrase ?? kpi;
  const text =
    kpi === 'throughput'
      ? trans.__(
          'Assumes as many concurrent users as fit (saturation) · %1 tokens in / %2 out. Ranked by %3.',
          tokensIn,
          tokensOut,
          phrase
        )
      : trans._n(
          'Assumes %1 concurrent user · %2 tokens in / %3 out. Ranked by %4.',
          'Assumes %1 concurrent users · %2 tokens in / %3 out. Ranked by %4.',
          w.concurrency,
          tokensIn,
          tokensOut,
          phrase
        );
  const backend = recommendations[0]?.estimate.backend?.detail;
  return (
    <p className="jp-OptiServe-workload" role="note" aria-label={trans.__('Workload')}>
      {text}
      {backend ? (
        <span className="jp-OptiServe-muted"> {trans.__('Estimated with %1.', backend)}</span>
      ) : null}
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
  const trans = useTrans();
  const { profile: p, estimate: e } = props.rec;
  const ranked = rankedBy(props.kpi, trans);
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
        <span className="jp-OptiServe-rank">{trans.__('#%1', props.rank + 1)}</span>
        <span className="jp-OptiServe-profileName" id={nameId}>
          {p.name}
        </span>
        {props.rank === 0 ? <Badge kind="ok">{trans.__('best')}</Badge> : null}
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
            <abbr
              title={trans.__(
                'Time to first token: from sending a request until its first token arrives (mean, milliseconds)'
              )}
            >
              {trans.__('TTFT')}
            </abbr>
          </dt>
          <dd>{ms(e.ttft_ms)}</dd>
        </div>
        <div>
          <dt>
            <abbr
              title={trans.__(
                "Inter-token latency: mean time between a request's tokens (milliseconds per token)"
              )}
            >
              {trans.__('ITL')}
            </abbr>
          </dt>
          <dd>{ms(e.itl_ms)}</dd>
        </div>
        <div>
          <dt>
            <abbr
              title={trans._n(
                'Output tokens per second, all replicas together, at %1 concurrent request',
                'Output tokens per second, all replicas together, at %1 concurrent requests',
                users
              )}
            >
              {trans._n('Output (%1 user)', 'Output (%1 users)', users)}
            </abbr>
          </dt>
          <dd>{rate(e.output_tokens_per_s)}</dd>
        </div>
        <div>
          <dt>{trans.__('GPUs')}</dt>
          <dd>
            {p.gpus}× {p.accelerator}
          </dd>
        </div>
      </dl>
      <div className="jp-OptiServe-muted">
        {plainSetup(props.rec, trans)}
        {e.backend ? (
          <span className="jp-OptiServe-backend" title={e.backend.detail}>
            {' '}
            ·{' '}
            {e.backend.backend === 'measured' ? trans.__('measured kernels') : trans.__('roofline')}
          </span>
        ) : null}
      </div>
      <MemoryBar memory={e.memory} />
      <Benchmarked rec={props.rec} />
    </div>
  );
}

/** The profile in plain words: weight precision, GPUs, context. */
function plainSetup(rec: IRecommendation, trans: TranslationBundle): string {
  const p = rec.profile;
  const bits = /4/.test(p.precision) ? 4 : /8/.test(p.precision) ? 8 : 16;
  const replicas = p.replicas ?? 1;
  const context = p.max_model_len.toLocaleString('en-US');
  if (p.gpus <= 1) {
    return trans.__('%1-bit weights on 1 GPU, up to %2 tokens of context', bits, context);
  }
  // English says "GPUs" for one per copy too; the plural form is there for other languages
  return replicas > 1
    ? trans._n(
        '%2-bit weights split over %1 GPUs ×%3 copies, up to %4 tokens of context',
        '%2-bit weights split over %1 GPUs ×%3 copies, up to %4 tokens of context',
        p.gpus / replicas,
        bits,
        replicas,
        context
      )
    : trans._n(
        '%2-bit weights split over %1 GPUs, up to %3 tokens of context',
        '%2-bit weights split over %1 GPUs, up to %3 tokens of context',
        p.gpus,
        bits,
        context
      );
}

/** vLLM's own terms for the chosen profile, for whoever wants them, under the plain sentence. */
function EngineSettings(props: { rec: IRecommendation }): JSX.Element {
  const trans = useTrans();
  const { profile: p, estimate: e } = props.rec;
  // "max-model-len" is vLLM's flag and "auto" its value: shown as vLLM spells them
  const rows: [string, string][] = [
    [trans.__('Weights'), props.rec.quality?.label ?? p.precision],
    [trans.__('KV cache dtype'), p.kv_cache_dtype ?? 'auto'],
    [trans.__('Tensor parallel (TP)'), String(p.tp)],
    [trans.__('Pipeline parallel (PP)'), String(p.pp)],
    [trans.__('Replicas'), String(p.replicas ?? 1)],
    ['max-model-len', p.max_model_len.toLocaleString('en-US')]
  ];
  if (e.label) {
    rows.push([trans.__('Estimate'), e.label]);
  }
  return (
    <details className="jp-OptiServe-engine">
      <summary>{trans.__('Engine settings')}</summary>
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
