import { useCallback, useEffect, useRef, useState } from 'react';
import { requestAPI } from './request';
import { IHardwareChoice, IInventory, IModelChoice, IRecommendResult, ISlo, Kpi } from './types';

/** The hardware inventory (cached by the server; `refresh()` detects again). */
export function useInventory(): {
  data: IInventory | null;
  error: unknown;
  loading: boolean;
  refresh: () => void;
} {
  const [data, setData] = useState<IInventory | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [loading, setLoading] = useState(true);
  const load = useCallback((refresh: boolean) => {
    setLoading(true);
    setError(null);
    requestAPI<IInventory>('hardware', { query: refresh ? { refresh: '1' } : undefined })
      .then(setData)
      .catch(setError)
      .finally(() => setLoading(false));
  }, []);
  useEffect(() => {
    load(false);
  }, [load]);
  return { data, error, loading, refresh: () => load(true) };
}

export function recommendRequest(
  model: IModelChoice,
  kpi: Kpi,
  slo: ISlo,
  hw: IHardwareChoice
): Record<string, unknown> {
  const req: Record<string, unknown> = { model: model.model, kpi, limit: 8, ...slo };
  if (hw.accelerator) {
    req.accelerator = hw.accelerator;
    if (hw.gpus) {
      req.gpus = hw.gpus; // else the server sizes for the detected pool of that GPU, or 1 GPU, and says so
    }
  }
  return req;
}

/** Ranked profiles for the current choices; the latest request wins, older ones are aborted. */
export function useRecommend(
  model: IModelChoice | null,
  kpi: Kpi,
  slo: ISlo,
  hw: IHardwareChoice,
  generation: number
): { data: IRecommendResult | null; error: unknown; loading: boolean; retry: () => void } {
  const [data, setData] = useState<IRecommendResult | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [loading, setLoading] = useState(false);
  const [attempt, setAttempt] = useState(0);
  const lastModel = useRef<string | null>(null);
  const key = model ? JSON.stringify(recommendRequest(model, kpi, slo, hw)) : '';
  useEffect(() => {
    if (!model) {
      setData(null);
      return;
    }
    if (lastModel.current !== model.model) {
      setData(null); // a new model: do not show the old one's ranking meanwhile
      lastModel.current = model.model;
    }
    const abort = new AbortController();
    setLoading(true);
    setError(null);
    requestAPI<IRecommendResult>('recommend', { json: JSON.parse(key), signal: abort.signal })
      .then(r => {
        setData(r);
        setLoading(false);
      })
      .catch(e => {
        if (!abort.signal.aborted) {
          setError(e);
          setLoading(false);
        }
      });
    return () => abort.abort();
    // eslint-disable-next-line react-hooks/exhaustive-deps -- keyed on purpose: re-run only when the listed inputs change
  }, [key, attempt, generation]);
  return { data, error, loading, retry: () => setAttempt(a => a + 1) };
}
