import React from 'react';
import { IMemory } from '../types';
import { gib } from '../format';

/** Per-GPU memory: weights / KV cache / overhead / free, as a stacked bar. */
export function MemoryBar(props: { memory: IMemory; gpuGib?: number | null }): JSX.Element {
  const m = props.memory;
  const overhead =
    (m.activation_gib_per_gpu ?? 0) +
    (m.non_torch_gib_per_gpu ?? 0) +
    (m.cuda_graph_gib_per_gpu ?? 0);
  const used = m.weights_gib_per_gpu + m.kv_cache_gib_per_gpu + overhead;
  const total = Math.max(props.gpuGib ?? 0, used + (m.headroom_gib_per_gpu ?? 0), used, 0.001);
  const parts = [
    { key: 'weights', label: 'weights', v: m.weights_gib_per_gpu },
    { key: 'kv', label: 'KV cache', v: m.kv_cache_gib_per_gpu },
    { key: 'overhead', label: 'overhead', v: overhead }
  ];
  const text = `Per GPU: ${parts.map(p => `${gib(p.v)} ${p.label}`).join(', ')} of ${gib(total)}`;
  return (
    <div className="jp-OptiServe-mem">
      <div className="jp-OptiServe-memBar" role="img" aria-label={text} title={text}>
        {parts.map(p => (
          <span
            key={p.key}
            className={`jp-OptiServe-mem-${p.key}`}
            style={{ width: `${(100 * p.v) / total}%` }}
          />
        ))}
      </div>
      <div className="jp-OptiServe-memLegend" aria-hidden="true">
        <span>
          <i className="jp-OptiServe-mem-weights" />
          {gib(m.weights_gib_per_gpu)} weights
        </span>
        <span>
          <i className="jp-OptiServe-mem-kv" />
          {gib(m.kv_cache_gib_per_gpu)} KV
        </span>
        <span>
          <i className="jp-OptiServe-mem-overhead" />
          {gib(overhead)} other
        </span>
      </div>
    </div>
  );
}
