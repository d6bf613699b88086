import { TranslationBundle } from '@jupyterlab/translation';
import React, { useCallback, useEffect, useState } from 'react';
import { IEnv } from '../env';
import { useTrans } from '../i18n';
import { requestAPI } from '../request';
import { IDeployment, IDeploymentList, IDeploymentRow, IDeploySettings } from '../types';
import { Badge, Empty, ErrorBox, Loading } from './common';
import { DeployView } from './DeployView';
import { focusWhenRendered as focusSoon } from '../focus';

/** A selector for the control named `label` (names may be translated, so quote them safely). */
function named(label: string): string {
  return `[aria-label="${label.replace(/["\\]/g, '\\$&')}"]`;
}

/** The cluster's state of a row (an unknown one shows as the server names it). */
function rowState(state: string, trans: TranslationBundle): string {
  switch (state) {
    case 'Ready':
      return trans._p('deployment row state', 'Ready');
    case 'NotReady':
      return trans._p('deployment row state', 'NotReady');
    case 'Stopped':
      return trans._p('deployment row state', 'Stopped');
    case 'Unknown':
      return trans._p('deployment row state', 'Unknown');
    default:
      return state;
  }
}

/** What is deployed in the namespace: status, open, stop/start, delete. Read from the server, so it survives reloads. */
export function DeploymentsView(props: {
  env: IEnv;
  namespace?: string;
  focus?: string | null;
  /** Load an OptiServe deployment's settings into the preview, to redeploy it in place. */
  onEdit?: (settings: IDeploySettings) => void;
}): JSX.Element {
  const trans = useTrans();
  // the accessible names of a row's controls (focus moves between them by name)
  const openLabel = (name: string) => trans.__('Open %1', name);
  const startLabel = (name: string) => trans.__('Start %1', name);
  const stopLabel = (name: string) => trans.__('Stop %1', name);
  const deleteLabel = (name: string) => trans.__('Delete %1', name);
  const refreshLabel = trans.__('Refresh deployments');
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
          trans.__(
            '%1 has no saved settings (made by an older OptiServe): deploy it again from New',
            row.name
          )
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
        focusSoon(named(next ? openLabel(next.name) : refreshLabel));
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
        focusSoon(named(action === 'stop' ? startLabel(row.name) : stopLabel(row.name)));
      }
    }
  };

  if (open) {
    return (
      <div>
        <button
          type="button"
          className="jp-OptiServe-btn jp-OptiServe-linkish"
          aria-label={trans.__('Back to all deployments')}
          onClick={() => setOpen(null)}
        >
          {trans.__('← All deployments')}
        </button>
        <DeployView
          env={props.env}
          name={open}
          namespace={props.namespace}
          onBack={() => {
            setOpen(null);
            void load();
          }}
          backLabel={trans.__('Back to deployments')}
        />
      </div>
    );
  }
  return (
    <div className="jp-OptiServe-deployments">
      <div className="jp-OptiServe-toolbar jp-OptiServe-spread">
        <span className="jp-OptiServe-muted">
          {list ? trans.__('Namespace %1', list.namespace) : ''}
        </span>
        <button
          type="button"
          className="jp-OptiServe-btn"
          aria-label={refreshLabel}
          onClick={() => void load()}
        >
          {trans.__('Refresh')}
        </button>
      </div>
      {error ? (
        <ErrorBox
          error={error}
          title={trans.__('Could not list deployments')}
          onRetry={() => void load()}
        />
      ) : null}
      {actionError ? <ErrorBox error={actionError} /> : null}
      {!list && !error ? <Loading label={trans.__('Loading deployments…')} /> : null}
      {list && list.deployments.length === 0 ? (
        <Empty title={trans.__('Nothing deployed yet')}>
          {trans.__('Deployments you create appear here, with their status.')}
        </Empty>
      ) : null}
      {list?.deployments.length ? (
        <ul className="jp-OptiServe-depList" aria-label={trans.__('Deployments')}>
          {list.deployments.map(d => (
            <li
              key={d.name}
              className="jp-OptiServe-depRow"
              aria-label={trans.__('Deployment %1', d.name)}
            >
              <div className="jp-OptiServe-depHead">
                <button
                  type="button"
                  className="jp-OptiServe-linkish jp-OptiServe-depName"
                  aria-label={openLabel(d.name)}
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
                  {/* a running or failed task's state is the server's code, shown as is */}
                  {d.task && !['ready', 'applied'].includes(d.task)
                    ? d.task
                    : rowState(d.state, trans)}
                </Badge>
              </div>
              <div className="jp-OptiServe-muted">
                {[d.profile, d.optiserve ? null : trans.__('not created by OptiServe')]
                  .filter(Boolean)
                  .join(' · ')}
              </div>
              {d.optiserve ? (
                <div className="jp-OptiServe-toolbar">
                  {props.onEdit ? (
                    <button
                      type="button"
                      className="jp-OptiServe-btn"
                      aria-label={trans.__('Edit %1', d.name)}
                      disabled={!!busy}
                      onClick={() => edit(d)}
                    >
                      {trans.__('Edit')}
                    </button>
                  ) : null}
                  {d.state === 'Stopped' ? (
                    <button
                      type="button"
                      className="jp-OptiServe-btn"
                      aria-label={startLabel(d.name)}
                      disabled={!!busy}
                      onClick={() => act(d, 'start')}
                    >
                      {trans.__('Start')}
                    </button>
                  ) : (
                    <button
                      type="button"
                      className="jp-OptiServe-btn"
                      aria-label={stopLabel(d.name)}
                      disabled={!!busy}
                      onClick={() => act(d, 'stop')}
                    >
                      {trans.__('Stop')}
                    </button>
                  )}
                  {confirmDelete === d.name ? (
                    <>
                      <button
                        type="button"
                        className="jp-OptiServe-btn jp-mod-warn"
                        aria-label={trans.__('Confirm delete %1', d.name)}
                        disabled={!!busy}
                        autoFocus
                        onClick={() => act(d, 'delete')}
                      >
                        {trans.__('Delete for good')}
                      </button>
                      <button
                        type="button"
                        className="jp-OptiServe-btn"
                        aria-label={trans.__('Keep it')}
                        onClick={() => {
                          setConfirmDelete(null);
                          focusSoon(named(deleteLabel(d.name)));
                        }}
                      >
                        {trans.__('Keep')}
                      </button>
                    </>
                  ) : (
                    <button
                      type="button"
                      className="jp-OptiServe-btn"
                      aria-label={deleteLabel(d.name)}
                      disabled={!!busy}
                      onClick={() => setConfirmDelete(d.name)}
                    >
                      {trans.__('Delete')}
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
