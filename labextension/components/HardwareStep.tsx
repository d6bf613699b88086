import { TranslationBundle } from '@jupyterlab/translation';
import React, { useEffect, useState } from 'react';
import { useTrans } from '../i18n';
import { requestAPI } from '../request';
import { IAccelerator, IHardwareChoice, IInventory, IPool } from '../types';
import {
  Badge,
  CodeBlock,
  Empty,
  ErrorBox,
  Loading,
  Notes,
  splitProse,
  withElements,
  withoutLocal
} from './common';

export function hasCluster(inv: IInventory | null): boolean {
  return !!inv?.cluster && inv.cluster.reachable !== false;
}

/** The grant to ask for when the service account may not read the hardware. */
export function grantOf(inv: IInventory | null): string | null {
  return inv?.grant ?? inv?.pools.find(p => p.grant)?.grant ?? null;
}

export function hardwareSummary(
  inv: IInventory | null,
  choice: IHardwareChoice,
  trans: TranslationBundle
): string {
  if (choice.accelerator) {
    return trans.__(
      '%1× %2 (manual)',
      choice.gpus ?? trans._p('GPU count chosen automatically', 'auto'),
      choice.accelerator
    );
  }
  if (!inv) {
    return trans.__('detecting…');
  }
  if (!hasCluster(inv)) {
    return inv.local.gpu_count
      ? trans._n('%1 local GPU(s)', '%1 local GPU(s)', inv.local.gpu_count)
      : trans.__('no cluster');
  }
  const free = inv.pools.reduce((n, p) => n + (p.free_gpus ?? 0), 0);
  const unknown = inv.pools.some(p => p.free_gpus === null || p.free_gpus === undefined);
  return unknown
    ? trans._n('%1 pool(s)', '%1 pool(s)', inv.pools.length)
    : trans._n('%1 pool(s), %2 free GPUs', '%1 pool(s), %2 free GPUs', inv.pools.length, free);
}

/** Step 3: detected pools with provenance, free GPUs, permission hints; a manual override. */
export function HardwareStep(props: {
  inventory: IInventory | null;
  error: unknown;
  loading: boolean;
  choice: IHardwareChoice;
  onChoice: (c: IHardwareChoice) => void;
  onRefresh: () => void;
}): JSX.Element {
  const trans = useTrans();
  const inv = props.inventory;
  const grant = grantOf(inv);
  return (
    <div className="jp-OptiServe-hardware">
      {props.loading && !inv ? <Loading label={trans.__('Detecting hardware…')} /> : null}
      {props.error ? (
        <ErrorBox
          error={props.error}
          title={trans.__('Hardware detection failed')}
          onRetry={props.onRefresh}
        />
      ) : null}
      {inv ? (
        <>
          <ClusterLine inventory={inv} />
          {grant ? (
            <div
              className="jp-OptiServe-warnBox"
              role="note"
              aria-label={trans.__('Permission needed')}
            >
              <div>
                <strong>{trans.__('Limited permissions.')}</strong>{' '}
                {trans.__(
                  'OptiServe cannot see everything it needs (free GPUs, quota), so the pools below come from hardware profiles.'
                )}
              </div>
              {/* the server's first line says who needs what, in words: it stays out of the block */}
              {splitProse(grant).prose ? <div>{capitalize(splitProse(grant).prose)}</div> : null}
              <CodeBlock text={splitProse(grant).code} label={trans.__('Grant to ask for')} />
            </div>
          ) : null}
          {hasCluster(inv) && inv.pools.length === 0 ? (
            <Empty title={trans.__('No GPU pools found')}>
              {trans.__(
                'The cluster has no GPU nodes or hardware profiles this namespace can use. Pick an accelerator below to size anyway.'
              )}
            </Empty>
          ) : null}
          {inv.pools.length ? (
            <ul className="jp-OptiServe-pools" aria-label={trans.__('Detected GPU pools')}>
              {inv.pools.map((p, i) => (
                <PoolRow key={i} pool={p} />
              ))}
            </ul>
          ) : null}
          <Notes items={relevantNotes(inv)} label={trans.__('Hardware notes')} />
        </>
      ) : null}
      <Override
        choice={props.choice}
        onChoice={props.onChoice}
        noCluster={!!inv && !hasCluster(inv)}
      />
      <button
        type="button"
        className="jp-OptiServe-btn jp-OptiServe-linkish"
        onClick={props.onRefresh}
      >
        {trans.__('Detect hardware again')}
      </button>
    </div>
  );
}

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/** With a cluster connected, what the notebook's own machine lacks (no local GPU) is beside the point. */
function relevantNotes(inv: IInventory): string[] {
  return hasCluster(inv) ? withoutLocal(inv.notes) : inv.notes;
}

function ClusterLine(props: { inventory: IInventory }): JSX.Element {
  const trans = useTrans();
  const inv = props.inventory;
  if (!hasCluster(inv)) {
    const cpu = inv.local.cpu;
    const gpus = inv.local.gpu_count
      ? trans._n('%1 GPU(s)', '%1 GPU(s)', inv.local.gpu_count)
      : trans.__('no GPU');
    return (
      <div className="jp-OptiServe-warnBox" role="note" aria-label={trans.__('No cluster')}>
        <div>
          <strong>{trans.__('No cluster connected.')}</strong>{' '}
          {trans.__(
            'OptiServe can still rank profiles for an accelerator you pick, preview the manifests and export them as a bundle to apply later.'
          )}
        </div>
        <div className="jp-OptiServe-muted">
          {cpu
            ? trans.__(
                'Local: %1 · %2 CPU cores · %3 GiB RAM',
                gpus,
                cpu.cores ?? '?',
                cpu.memory_total_gib ?? '?'
              )
            : trans.__('Local: %1', gpus)}
        </div>
      </div>
    );
  }
  const c = inv.cluster!;
  const cluster = <code>{c.context ?? c.server}</code>;
  const namespace = <code>{c.namespace ?? inv.quota.namespace ?? '?'}</code>;
  return (
    <div className="jp-OptiServe-muted" role="note" aria-label={trans.__('Cluster')}>
      {c.source
        ? withElements(
            trans.__('Cluster %1, namespace %2 (from %3)', '%1', '%2', '%3'),
            cluster,
            namespace,
            c.source
          )
        : withElements(trans.__('Cluster %1, namespace %2', '%1', '%2'), cluster, namespace)}
    </div>
  );
}

function PoolRow(props: { pool: IPool }): JSX.Element {
  const trans = useTrans();
  const p = props.pool;
  const name = p.product ?? p.accelerator ?? trans.__('unknown GPU');
  return (
    <li className="jp-OptiServe-pool">
      <div className="jp-OptiServe-poolHead">
        <span className="jp-OptiServe-poolName">
          {p.gpus_per_node ?? '?'}× {name}
        </span>
        <Badge kind={p.free_gpus ? 'ok' : p.free_gpus === 0 ? 'bad' : 'muted'}>
          {p.free_gpus === null || p.free_gpus === undefined
            ? trans.__('free ?')
            : trans.__('%1 free', p.free_gpus)}
        </Badge>
      </div>
      <div className="jp-OptiServe-muted">
        {p.nodes ? trans._n('%1 node(s)', '%1 node(s)', p.nodes) : trans.__('nodes unknown')} ·{' '}
        {p.memory_gib ? `${Math.round(p.memory_gib)} GiB` : ''} · {trans.__('from %1', p.source)}
        {p.profile ? ` (${p.profile})` : ''}
      </div>
    </li>
  );
}

function Override(props: {
  choice: IHardwareChoice;
  onChoice: (c: IHardwareChoice) => void;
  noCluster: boolean;
}): JSX.Element {
  const trans = useTrans();
  const [accels, setAccels] = useState<IAccelerator[]>([]);
  useEffect(() => {
    requestAPI<IAccelerator[]>('accelerators')
      .then(setAccels)
      .catch(() => setAccels([]));
  }, []);
  return (
    <div className="jp-OptiServe-override">
      <label>
        {trans.__('Size for')}
        <select
          className="jp-mod-styled"
          aria-label={trans.__('Accelerator override')}
          value={props.choice.accelerator}
          onChange={e => props.onChoice({ ...props.choice, accelerator: e.target.value })}
        >
          <option value="">
            {props.noCluster ? trans.__('Common accelerators') : trans.__('Detected pools')}
          </option>
          {accels.map(a => (
            <option key={a.id} value={a.id}>
              {a.name}
              {a.memory_gb ? ` (${a.memory_gb} GB)` : ''}
            </option>
          ))}
        </select>
      </label>
      {props.choice.accelerator ? (
        <label>
          {trans.__('GPUs')}
          <input
            type="number"
            min={1}
            max={64}
            className="jp-OptiServe-input jp-mod-styled jp-OptiServe-narrow"
            aria-label={trans.__('GPU count')}
            placeholder={trans.__('pool or 1')}
            value={props.choice.gpus ?? ''}
            onChange={e =>
              props.onChoice({
                ...props.choice,
                gpus: e.target.value ? Math.max(1, Number(e.target.value) || 1) : undefined
              })
            }
          />
        </label>
      ) : null}
    </div>
  );
}
