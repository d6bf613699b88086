import React, { useId, useState } from 'react';
import type { components } from '../api';
import { IRecommendation } from '../types';
import { ms } from '../format';
import { useTrans } from '../i18n';

/** One performance artifact of the cluster's RHOAI model catalog (measured, not estimated). */
export type IBenchmarkedPoint = components['schemas']['BenchmarkedPoint'];

/** A percentile of a catalog metric ({mean, p90, ...}); the schema leaves the values untyped. */
function pct(stat: Record<string, unknown> | null | undefined, key: string): number | undefined {
  const v = stat?.[key];
  return typeof v === 'number' ? v : undefined;
}

/** Replicas for a target rate, as the model catalog computes them. */
export function replicasFor(point: IBenchmarkedPoint, targetRps: number): number {
  return Math.max(1, Math.ceil(targetRps / point.requests_per_second));
}

/**
 * The model catalog's measurements on this profile's hardware, beside the estimate, with
 * "target requests/s -> replicas". Renders nothing when the cluster has no catalog data.
 */
export function Benchmarked(props: { rec: IRecommendation }): JSX.Element | null {
  const trans = useTrans();
  const points = props.rec.benchmarked;
  const [target, setTarget] = useState('');
  const inputId = useId();
  const captionId = useId();
  if (!points || points.length === 0) {
    return null;
  }
  const rps = Number(target);
  const wanted = target !== '' && isFinite(rps) && rps > 0 ? rps : null;
  return (
    <div className="jp-OptiServe-benchmarked">
      <table aria-labelledby={captionId}>
        <caption id={captionId}>
          {trans.__(
            'Benchmarked (measured by the RHOAI model catalog on %1)',
            points[0].hardware_configuration ?? points[0].hardware
          )}
        </caption>
        <thead>
          <tr>
            <th scope="col">{trans.__('Workload')}</th>
            <th scope="col">
              <abbr title={trans.__('Time to first token, 90th percentile')}>
                {trans.__('TTFT p90')}
              </abbr>
            </th>
            <th scope="col">
              <abbr title={trans.__('Inter-token latency, 90th percentile')}>
                {trans.__('ITL p90')}
              </abbr>
            </th>
            <th scope="col">
              <abbr title={trans.__('Requests per second one replica sustains')}>
                {trans.__('req/s per replica')}
              </abbr>
            </th>
            {wanted !== null ? <th scope="col">{trans.__('Replicas')}</th> : null}
          </tr>
        </thead>
        <tbody>
          {points.map((p, i) => (
            <tr key={i}>
              <td>{p.use_case ?? '–'}</td>
              <td>{ms(pct(p.ttft_ms, 'p90'))}</td>
              <td>{ms(pct(p.itl_ms, 'p90'))}</td>
              <td>{p.requests_per_second.toFixed(1)}</td>
              {wanted !== null ? <td>{replicasFor(p, wanted)}</td> : null}
            </tr>
          ))}
        </tbody>
      </table>
      <label htmlFor={inputId}>{trans.__('Target requests/s')}</label>{' '}
      <input
        id={inputId}
        type="number"
        min={0}
        step="any"
        inputMode="decimal"
        value={target}
        onChange={ev => setTarget(ev.target.value)}
        aria-describedby={captionId}
      />
    </div>
  );
}
