import { useEffect, useRef, useState } from 'react';
import { APIError, requestAPI } from './request';
import { followEvents, IServerEvent } from './sse';
import { IDeployment, IErrorBody, ITask, ITimeline } from './types';

export interface IDeploymentState {
  state: string;
  terminal: boolean;
  timeline: ITimeline | null;
  entries: { t_s: number; text: string }[];
  error: IErrorBody | null;
  loadError: unknown;
  url: string | null;
  /** The first request through the endpoint answered. */
  smokeOk: boolean;
  /** The request this server's latest deploy of it was made from (what a redeploy changes). */
  request: Record<string, unknown> | null;
}

const TERMINAL = ['ready', 'failed', 'timeout', 'cancelled', 'applied'];

const INITIAL: IDeploymentState = {
  state: 'connecting',
  terminal: false,
  timeline: null,
  entries: [],
  error: null,
  loadError: null,
  url: null,
  smokeOk: false,
  request: null
};

/** A deployment's live state: the stored snapshot, then the server's event stream until it ends.
 * A new ``generation`` (a redeploy) follows it again from the start. */
export function useDeployment(name: string, namespace?: string, generation = 0): IDeploymentState {
  const [s, setS] = useState<IDeploymentState>(INITIAL);
  const lastId = useRef<string | undefined>(undefined);

  useEffect(() => {
    setS(INITIAL);
    lastId.current = undefined;
    const abort = new AbortController();
    const path = `deployments/${encodeURIComponent(name)}`;
    const query = { namespace };
    const patch = (p: Partial<IDeploymentState>) => setS(prev => ({ ...prev, ...p }));
    const applyDeployment = (d: IDeployment) => {
      // While this server's task runs, its timeline is the truth: the cluster's snapshot may still
      // describe the previous generation (a redeploy of a Ready deployment says "ready" at once).
      const running = !!d.task && !d.task.terminal;
      const t = (running ? d.task?.timeline : (d.timeline ?? d.task?.timeline)) ?? null;
      setS(prev => ({
        ...prev,
        timeline: t ?? prev.timeline,
        url: t?.url ?? prev.url,
        state: d.task?.state ?? (d.stopped ? 'stopped' : (t?.outcome ?? prev.state)),
        terminal: d.task ? d.task.terminal : !!t?.outcome,
        error: d.task?.error ?? prev.error,
        smokeOk: prev.smokeOk || !!(t?.smoke as { ok?: boolean } | null | undefined)?.ok,
        request: d.task?.request ?? prev.request
      }));
    };
    const onEvent = (e: IServerEvent) => {
      if (e.id) {
        lastId.current = e.id;
      }
      const d = e.data;
      switch (e.event) {
        case 'state':
          patch({ state: d.state, terminal: TERMINAL.includes(d.state) });
          break;
        case 'timeline':
          setS(prev => ({ ...prev, timeline: d, url: d?.url ?? prev.url }));
          break;
        case 'entry':
          setS(prev => ({ ...prev, entries: [...prev.entries, d] }));
          break;
        case 'error':
          patch({ error: d });
          break;
        case 'smoke':
          patch({ smokeOk: !!d?.ok });
          break;
        case 'snapshot': {
          const t: ITimeline | null = d?.phases ? d : (d?.timeline ?? null);
          setS(prev => ({
            ...prev,
            timeline: t ?? prev.timeline,
            url: t?.url ?? d?.url ?? prev.url,
            state: t?.outcome ?? d?.state ?? prev.state
          }));
          break;
        }
        case 'end': {
          const task = d as ITask;
          setS(prev => ({
            ...prev,
            state: task?.state ?? prev.state,
            terminal: true,
            timeline: task?.timeline ?? prev.timeline,
            url: task?.timeline?.url ?? prev.url,
            error: task?.error ?? prev.error,
            smokeOk: prev.smokeOk || !!task?.timeline?.smoke?.ok,
            request: task?.request ?? prev.request
          }));
          break;
        }
      }
    };

    (async () => {
      try {
        applyDeployment(await requestAPI<IDeployment>(path, { query, signal: abort.signal }));
      } catch (e) {
        if (abort.signal.aborted) {
          return;
        }
        if (!(e instanceof APIError && e.status === 404)) {
          patch({ loadError: e });
        }
      }
      for (let attempt = 0; attempt < 5 && !abort.signal.aborted; attempt++) {
        try {
          await followEvents(`${path}/events`, onEvent, abort.signal, query, lastId.current);
          break;
        } catch (e) {
          if (abort.signal.aborted) {
            return;
          }
          if (e instanceof APIError && e.status >= 400 && e.status < 500) {
            patch({ loadError: e });
            return;
          }
          await new Promise(r => setTimeout(r, 1000 * (attempt + 1)));
        }
      }
      if (!abort.signal.aborted) {
        try {
          applyDeployment(await requestAPI<IDeployment>(path, { query, signal: abort.signal }));
        } catch {
          /* keep what the stream said */
        }
      }
    })();
    return () => abort.abort();
  }, [name, namespace, generation]);
  return s;
}
