import React from 'react';
import { IMemory } from '../types';
import { gib } from '../format';
import { useTrans } from '../i18n';

/** Per-GPU memory: weights / KV cache / overhead / free, as a stacked bar. */
export function MemoryBar(props: { memory: IMemory; gpuGib?: number | null }): JSX.Element {
  const trans = useTrans();
  const m = props.memory;
  const overhead =
    (m.activation_gib_per_gpu ?? 0) +
    (m.non_torch_gib_per_gpu ?? 0) +
    (m.cuda_graph_gib_per_gpu ?? 0);
  const used = m.weights_gib_per_gpu + m.kv_cache_gib_per_gpu + overhead;
  const total = Math.max(props.gpuGib ?? 0, used + (m.headroom_gib_per_gpu ?? 0), used, 0.001);
  const parts = [
    { key: 'weights', v: m.weights_gib_per_gpu },
    { key: 'kv', v: m.kv_cache_gib_per_gpu },
    { key: 'overhead', v: overhead }
  ];
  const text = trans.__(
    'Per GPU: %1 weights, %2 KV cache, %3 overhead of %4',
    gib(m.weights_gib_per_gpu),
    gib(m.kv_cache_gib_per_gpu),
    gib(overhead),
    gib(total)
  );
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
          {trans.__('%1 weights', gib(m.weights_gib_per_gpu))}
        </span>
        <span>
          <i className="jp-OptiServe-mem-kv" />
          {trans.__('%1 KV', gib(m.kv_cache_gib_per_gpu))}
        </span>
        <span>
          <i className="jp-OptiServe-mem-overhead" />
          {trans.__('%1 other', gib(overhead))}
        </span>
      </div>
    </div>
  );
}
