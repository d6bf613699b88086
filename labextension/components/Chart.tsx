import React from 'react';
import { IRecommendation } from '../types';
import { ms, rate } from '../format';
import { useTrans } from '../i18n';

const W = 260;
const H = 150;
const PAD = { l: 50, r: 8, t: 10, b: 40 };

/** Predicted request latency vs output throughput of every candidate; the chosen one highlighted. */
export function LatencyThroughputChart(props: {
  items: IRecommendation[];
  selected: number;
  onSelect: (i: number) => void;
}): JSX.Element | null {
  const trans = useTrans();
  const pts = props.items
    .map((r, i) => ({
      i,
      x: r.estimate.output_tokens_per_s ?? 0,
      y: r.estimate.request_latency_ms ?? r.estimate.ttft_ms ?? 0,
      name: r.profile.name
    }))
    .filter(p => p.x > 0 && p.y > 0);
  if (pts.length < 1) {
    return null;
  }
  const [xmin, xmax] = domain(pts.map(p => p.x));
  const [ymin, ymax] = domain(pts.map(p => p.y));
  const sx = (x: number) => PAD.l + ((x - xmin) / (xmax - xmin)) * (W - PAD.l - PAD.r);
  const sy = (y: number) => H - PAD.b - ((y - ymin) / (ymax - ymin)) * (H - PAD.t - PAD.b);
  const sel = pts.find(p => p.i === props.selected);
  // English says "candidates" for one too; the plural form is there for other languages
  const desc = sel
    ? trans._n(
        'Latency versus throughput for %1 candidates; selected %2: %3, %4 per request',
        'Latency versus throughput for %1 candidates; selected %2: %3, %4 per request',
        pts.length,
        sel.name,
        rate(sel.x),
        ms(sel.y)
      )
    : trans._n(
        'Latency versus throughput for %1 candidates',
        'Latency versus throughput for %1 candidates',
        pts.length
      );
  return (
    <figure className="jp-OptiServe-chart">
      <svg viewBox={`0 0 ${W} ${H}`} width="100%" role="img" aria-label={desc}>
        <line
          x1={PAD.l}
          y1={H - PAD.b}
          x2={W - PAD.r}
          y2={H - PAD.b}
          className="jp-OptiServe-axis"
        />
        <line x1={PAD.l} y1={PAD.t} x2={PAD.l} y2={H - PAD.b} className="jp-OptiServe-axis" />
        <text x={PAD.l} y={H - PAD.b + 14} className="jp-OptiServe-axisLabel">
          {rate(xmin)}
        </text>
        <text x={PAD.l - 3} y={H - PAD.b} textAnchor="end" className="jp-OptiServe-axisLabel">
          {ms(ymin)}
        </text>
        <text x={W - PAD.r} y={H - PAD.b + 14} textAnchor="end" className="jp-OptiServe-axisLabel">
          {rate(xmax)}
        </text>
        <text x={PAD.l - 3} y={PAD.t + 8} textAnchor="end" className="jp-OptiServe-axisLabel">
          {ms(ymax)}
        </text>
        <text x={(W + PAD.l) / 2} y={H - 4} textAnchor="middle" className="jp-OptiServe-axisLabel">
          {trans.__('throughput →')}
        </text>
        <text
          x={10}
          y={(H - PAD.b + PAD.t) / 2}
          textAnchor="middle"
          className="jp-OptiServe-axisLabel"
          transform={`rotate(-90 10 ${(H - PAD.b + PAD.t) / 2})`}
        >
          {trans.__('latency')}
        </text>
        {pts
          .filter(p => p.i !== props.selected)
          .map(p => (
            <circle
              key={p.i}
              cx={sx(p.x)}
              cy={sy(p.y)}
              r={4}
              className="jp-OptiServe-pt"
              onClick={() => props.onSelect(p.i)}
            >
              <title>
                {trans._p(
                  'chart point: profile, throughput, latency',
                  '%1: %2, %3',
                  p.name,
                  rate(p.x),
                  ms(p.y)
                )}
              </title>
            </circle>
          ))}
        {sel ? (
          <circle cx={sx(sel.x)} cy={sy(sel.y)} r={6} className="jp-OptiServe-pt jp-mod-selected">
            <title>{trans.__('%1 (chosen): %2, %3', sel.name, rate(sel.x), ms(sel.y))}</title>
          </circle>
        ) : null}
      </svg>
      <figcaption className="jp-OptiServe-muted">
        {trans.__('Request latency vs output throughput; the chosen profile is highlighted.')}
      </figcaption>
    </figure>
  );
}

/** [0, max] with a little headroom: axes start at zero so distances do not exaggerate differences. */
function domain(values: number[]): [number, number] {
  const hi = Math.max(...values);
  return [0, hi > 0 ? hi * 1.1 : 1];
}
