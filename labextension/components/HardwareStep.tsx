import React, { useEffect, useState } from 'react';
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
  withoutLocal
} from './common';

export function hasCluster(inv: IInventory | null): boolean {
  return !!inv?.cluster && inv.cluster.reachable !== false;
}

/** The grant to ask for when the service account may not read the hardware. */
export function grantOf(inv: IInventory | null): string | null {
  return inv?.grant ?? inv?.pools.find(p => p.grant)?.grant ?? null;
}

export function hardwareSummary(inv: IInventory | null, choice: IHardwareChoice): string {
  if (choice.accelerator) {
    return `${choice.gpus ?? 'auto'}× ${choice.accelerator} (manual)`;
  }
  if (!inv) {
    return 'detecting…';
  }
  if (!hasCluster(inv)) {
    return inv.local.gpu_count ? `${inv.local.gpu_count} local GPU(s)` : 'no cluster';
  }
  const free = inv.pools.reduce((n, p) => n + (p.free_gpus ?? 0), 0);
  const unknown = inv.pools.some(p => p.free_gpus === null || p.free_gpus === undefined);
  return `${inv.pools.length} pool(s)${unknown ? '' : `, ${free} free GPUs`}`;
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
  const inv = props.inventory;
  const grant = grantOf(inv);
  return (
    <div className="jp-OptiServe-hardware">
      {props.loading && !inv ? <Loading label="Detecting hardware…" /> : null}
      {props.error ? (
        <ErrorBox error={props.error} title="Hardware detection failed" onRetry={props.onRefresh} />
      ) : null}
      {inv ? (
        <>
          <ClusterLine inventory={inv} />
          {grant ? (
            <div className="jp-OptiServe-warnBox" role="note" aria-label="Permission needed">
              <div>
                <strong>Limited permissions.</strong> OptiServe cannot see everything it needs (free
                GPUs, quota), so the pools below come from hardware profiles.
              </div>
              {/* the server's first line says who needs what, in words: it stays out of the block */}
              {splitProse(grant).prose ? <div>{capitalize(splitProse(grant).prose)}</div> : null}
              <CodeBlock text={splitProse(grant).code} label="Grant to ask for" />
            </div>
          ) : null}
          {hasCluster(inv) && inv.pools.length === 0 ? (
            <Empty title="No GPU pools found">
              The cluster has no GPU nodes or hardware profiles this namespace can use. Pick an
              accelerator below to size anyway.
            </Empty>
          ) : null}
          {inv.pools.length ? (
            <ul className="jp-OptiServe-pools" aria-label="Detected GPU pools">
              {inv.pools.map((p, i) => (
                <PoolRow key={i} pool={p} />
              ))}
            </ul>
          ) : null}
          <Notes items={relevantNotes(inv)} label="Hardware notes" />
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
        Detect hardware again
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
  const inv = props.inventory;
  if (!hasCluster(inv)) {
    const cpu = inv.local.cpu;
    return (
      <div className="jp-OptiServe-warnBox" role="note" aria-label="No cluster">
        <div>
          <strong>No cluster connected.</strong> OptiServe can still rank profiles for an
          accelerator you pick, preview the manifests and export them as a bundle to apply later.
        </div>
        <div className="jp-OptiServe-muted">
          Local: {inv.local.gpu_count ? `${inv.local.gpu_count} GPU(s)` : 'no GPU'}
          {cpu ? ` · ${cpu.cores ?? '?'} CPU cores · ${cpu.memory_total_gib ?? '?'} GiB RAM` : ''}
        </div>
      </div>
    );
  }
  const c = inv.cluster!;
  return (
    <div className="jp-OptiServe-muted" role="note" aria-label="Cluster">
      Cluster <code>{c.context ?? c.server}</code>, namespace{' '}
      <code>{c.namespace ?? inv.quota.namespace ?? '?'}</code>
      {c.source ? ` (from ${c.source})` : ''}
    </div>
  );
}

function PoolRow(props: { pool: IPool }): JSX.Element {
  const p = props.pool;
  const name = p.product ?? p.accelerator ?? 'unknown GPU';
  return (
    <li className="jp-OptiServe-pool">
      <div className="jp-OptiServe-poolHead">
        <span className="jp-OptiServe-poolName">
          {p.gpus_per_node ?? '?'}× {name}
        </span>
        <Badge kind={p.free_gpus ? 'ok' : p.free_gpus === 0 ? 'bad' : 'muted'}>
          {p.free_gpus === null || p.free_gpus === undefined ? 'free ?' : `${p.free_gpus} free`}
        </Badge>
      </div>
      <div className="jp-OptiServe-muted">
        {p.nodes ? `${p.nodes} node(s)` : 'nodes unknown'} ·{' '}
        {p.memory_gib ? `${Math.round(p.memory_gib)} GiB` : ''} · from {p.source}
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
  const [accels, setAccels] = useState<IAccelerator[]>([]);
  useEffect(() => {
    requestAPI<IAccelerator[]>('accelerators')
      .then(setAccels)
      .catch(() => setAccels([]));
  }, []);
  return (
    <div className="jp-OptiServe-override">
      <label>
        Size for
        <select
          className="jp-mod-styled"
          aria-label="Accelerator override"
          value={props.choice.accelerator}
          onChange={e => props.onChoice({ ...props.choice, accelerator: e.target.value })}
        >
          <option value="">{props.noCluster ? 'Common accelerators' : 'Detected pools'}</option>
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
          GPUs
          <input
            type="number"
            min={1}
            max={64}
            className="jp-OptiServe-input jp-mod-styled jp-OptiServe-narrow"
            aria-label="GPU count"
            placeholder="pool or 1"
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
