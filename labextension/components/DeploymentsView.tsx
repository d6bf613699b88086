import React, { useCallback, useEffect, useState } from 'react';
import { IEnv } from '../env';
import { requestAPI } from '../request';
import { IDeployment, IDeploymentList, IDeploymentRow, IDeploySettings } from '../types';
import { Badge, Empty, ErrorBox, Loading } from './common';
import { DeployView } from './DeployView';
import { focusWhenRendered as focusSoon } from '../focus';

/** What is deployed in the namespace: status, open, stop/start, delete. Read from the server, so it survives reloads. */
export function DeploymentsView(props: {
  env: IEnv;
  namespace?: string;
  focus?: string | null;
  /** Load an OptiServe deployment's settings into the preview, to redeploy it in place. */
  onEdit?: (settings: IDeploySettings) => void;
}): JSX.Element {
  const [list, setList] = useState<IDeploymentList | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [open, setOpen] = useState<string | null>(props.focus ?? null);
  const [confirmDelete, setConfirmDelete] = useState<string | null>(null);
  const [actionError, setActionError] = useState<unknown>(null);
  const [busy, setBusy] = useState<string | null>(null);

  const load = useCallback(async () => {
    setError(null);
    try {
      setList(
        await requestAPI<IDeploymentList>('deployments', { query: { namespace: props.namespace } })
      );
    } catch (e) {
      setError(e);
    }
  }, [props.namespace]);

  useEffect(() => {
    void load();
    const t = window.setInterval(() => void load(), 5000);
    return () => window.clearInterval(t);
  }, [load]);

  const edit = async (row: IDeploymentRow) => {
    setBusy(`edit:${row.name}`);
    setActionError(null);
    try {
      const d = await requestAPI<IDeployment>(`deployments/${encodeURIComponent(row.name)}`, {
        query: { namespace: props.namespace }
      });
      if (!d.settings) {
        throw new Error(
          `${row.name} has no saved settings (made by an older OptiServe): deploy it again from New`
        );
      }
      props.onEdit?.(d.settings);
    } catch (e) {
      setActionError(e);
    } finally {
      setBusy(null);
    }
  };

  const act = async (row: IDeploymentRow, action: 'stop' | 'start' | 'delete') => {
    setBusy(`${action}:${row.name}`);
    setActionError(null);
    try {
      const path = `deployments/${encodeURIComponent(row.name)}`;
      const query = { namespace: props.namespace };
      if (action === 'delete') {
        await requestAPI(path, { method: 'DELETE', query });
        if (open === row.name) {
          setOpen(null);
        }
        // the row and its focused button are gone: focus the next row, else Refresh
        const next = list?.deployments.find(d => d.name !== row.name);
        focusSoon(next ? `[aria-label="Open ${next.name}"]` : '[aria-label="Refresh deployments"]');
      } else {
        await requestAPI(`${path}/stop`, { json: { start: action === 'start' }, query });
      }
      await load();
    } catch (e) {
      setActionError(e);
    } finally {
      setBusy(null);
      setConfirmDelete(null);
      if (action !== 'delete') {
        // Stop and Start swap places and were disabled while busy: keep focus on the row's toggle
        focusSoon(`[aria-label="${action === 'stop' ? 'Start' : 'Stop'} ${row.name}"]`);
      }
    }
  };

  if (open) {
    return (
      <div>
        <button
          type="button"
          className="jp-OptiServe-btn jp-OptiServe-linkish"
          aria-label="Back to all deployments"
          onClick={() => setOpen(null)}
        >
          ← All deployments
        </button>
        <DeployView
          env={props.env}
          name={open}
          namespace={props.namespace}
          onBack={() => {
            setOpen(null);
            void load();
          }}
          backLabel="Back to deployments"
        />
      </div>
    );
  }
  return (
    <div className="jp-OptiServe-deployments">
      <div className="jp-OptiServe-toolbar jp-OptiServe-spread">
        <span className="jp-OptiServe-muted">{list ? `Namespace ${list.namespace}` : ''}</span>
        <button
          type="button"
          className="jp-OptiServe-btn"
          aria-label="Refresh deployments"
          onClick={() => void load()}
        >
          Refresh
        </button>
      </div>
      {error ? (
        <ErrorBox error={error} title="Could not list deployments" onRetry={() => void load()} />
      ) : null}
      {actionError ? <ErrorBox error={actionError} /> : null}
      {!list && !error ? <Loading label="Loading deployments…" /> : null}
      {list && list.deployments.length === 0 ? (
        <Empty title="Nothing deployed yet">
          Deployments you create appear here, with their status.
        </Empty>
      ) : null}
      {list?.deployments.length ? (
        <ul className="jp-OptiServe-depList" aria-label="Deployments">
          {list.deployments.map(d => (
            <li key={d.name} className="jp-OptiServe-depRow" aria-label={`Deployment ${d.name}`}>
              <div className="jp-OptiServe-depHead">
                <button
                  type="button"
                  className="jp-OptiServe-linkish jp-OptiServe-depName"
                  aria-label={`Open ${d.name}`}
                  onClick={() => setOpen(d.name)}
                >
                  {d.name}
                </button>
                <Badge
                  kind={
                    d.state === 'Ready'
                      ? 'ok'
                      : d.state === 'Stopped'
                        ? 'muted'
                        : d.state === 'NotReady'
                          ? 'info'
                          : 'muted'
                  }
                >
                  {d.task && !['ready', 'applied'].includes(d.task) ? d.task : d.state}
                </Badge>
              </div>
              <div className="jp-OptiServe-muted">
                {[d.profile, d.optiserve ? null : 'not created by OptiServe']
                  .filter(Boolean)
                  .join(' · ')}
              </div>
              {d.optiserve ? (
                <div className="jp-OptiServe-toolbar">
                  {props.onEdit ? (
                    <button
                      type="button"
                      className="jp-OptiServe-btn"
                      aria-label={`Edit ${d.name}`}
                      disabled={!!busy}
                      onClick={() => edit(d)}
                    >
                      Edit
                    </button>
                  ) : null}
                  {d.state === 'Stopped' ? (
                    <button
                      type="button"
                      className="jp-OptiServe-btn"
                      aria-label={`Start ${d.name}`}
                      disabled={!!busy}
                      onClick={() => act(d, 'start')}
                    >
                      Start
                    </button>
                  ) : (
                    <button
                      type="button"
                      className="jp-OptiServe-btn"
                      aria-label={`Stop ${d.name}`}
                      disabled={!!busy}
                      onClick={() => act(d, 'stop')}
                    >
                      Stop
                    </button>
                  )}
                  {confirmDelete === d.name ? (
                    <>
                      <button
                        type="button"
                        className="jp-OptiServe-btn jp-mod-warn"
                        aria-label={`Confirm delete ${d.name}`}
                        disabled={!!busy}
                        autoFocus
                        onClick={() => act(d, 'delete')}
                      >
                        Delete for good
                      </button>
                      <button
                        type="button"
                        className="jp-OptiServe-btn"
                        aria-label="Keep it"
                        onClick={() => {
                          setConfirmDelete(null);
                          focusSoon(`[aria-label="Delete ${d.name}"]`);
                        }}
                      >
                        Keep
                      </button>
                    </>
                  ) : (
                    <button
                      type="button"
                      className="jp-OptiServe-btn"
                      aria-label={`Delete ${d.name}`}
                      disabled={!!busy}
                      onClick={() => setConfirmDelete(d.name)}
                    >
                      Delete
                    </button>
                  )}
                </div>
              ) : null}
            </li>
          ))}
        </ul>
      ) : null}
    </div>
  );
}
