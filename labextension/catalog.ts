import { requestAPI } from './request';
import { IModelSummary } from './types';

let pending: Promise<IModelSummary[]> | null = null;

/**
 * The model catalog (static on the server, no cluster call), fetched once per page: the plugin
 * starts it at activation so the panel is interactive as soon as it opens.
 */
export function catalog(reload = false): Promise<IModelSummary[]> {
  if (!pending || reload) {
    pending = requestAPI<IModelSummary[]>('models').then(sortModels);
    pending.catch(() => (pending = null));
  }
  return pending;
}

function sortModels(models: IModelSummary[]): IModelSummary[] {
  return [...models].sort(
    (a, b) =>
      (a.family ?? a.id).localeCompare(b.family ?? b.id) ||
      (a.params_b ?? 0) - (b.params_b ?? 0) ||
      a.id.localeCompare(b.id)
  );
}
