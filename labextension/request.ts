import { URLExt } from '@jupyterlab/coreutils';
import { ServerConnection } from '@jupyterlab/services';
import { TranslationBundle } from '@jupyterlab/translation';

/** An error answered by the OptiServe server: `{error, detail, hint}` plus the HTTP status. */
export class APIError extends Error {
  constructor(
    readonly status: number,
    readonly error: string,
    readonly detail: string,
    readonly hint: string,
    readonly body: Record<string, unknown> = {}
  ) {
    super(detail || error);
    this.name = 'APIError';
  }
}

/** The `error` of an APIError for a request the Jupyter server did not answer (status 0). */
export const NETWORK_ERROR = 'NetworkError';

/**
 * The fix to show for `e` in the user's language: the server's own hint (already written), or, for
 * a request the Jupyter server did not answer, ours (request.ts has no translator, so it leaves
 * that hint empty and the component that shows the error asks here).
 */
export function hintOf(e: APIError, trans: TranslationBundle): string {
  if (!e.hint && e.status === 0 && e.error === NETWORK_ERROR) {
    return trans.__('Is the Jupyter server still running?');
  }
  return e.hint;
}

export interface IRequestOptions extends RequestInit {
  /** Query parameters appended to the endpoint. */
  query?: Record<string, string | number | boolean | undefined>;
  /** JSON body (sets method POST unless given). */
  json?: unknown;
  /** Return the raw Response (zip downloads, server-sent events). */
  raw?: boolean;
}

/**
 * The one way the panel talks to the server: `<baseUrl>/optiserve/<endPoint>` through
 * ServerConnection (which adds the token/XSRF headers). Throws APIError on a non-2xx answer.
 */
export async function requestAPI<T = unknown>(
  endPoint: string,
  options: IRequestOptions = {},
  settings: ServerConnection.ISettings = ServerConnection.makeSettings()
): Promise<T> {
  const { query, json, raw, ...init } = options;
  let url = URLExt.join(settings.baseUrl, 'optiserve', endPoint);
  if (query) {
    const q: Record<string, string> = {};
    for (const [k, v] of Object.entries(query)) {
      if (v !== undefined && v !== '') {
        q[k] = String(v);
      }
    }
    const search = URLExt.objectToQueryString(q);
    if (search.length > 1) {
      url += search;
    }
  }
  if (json !== undefined) {
    init.method = init.method ?? 'POST';
    init.body = JSON.stringify(json);
    init.headers = { 'Content-Type': 'application/json', ...(init.headers ?? {}) };
  }
  let response: Response;
  try {
    response = await ServerConnection.makeRequest(url, init, settings);
  } catch (e) {
    if ((e as Error)?.name === 'AbortError') {
      throw e;
    }
    // no hint here: hintOf() gives it in the user's language where the error is shown
    throw new APIError(0, NETWORK_ERROR, String((e as Error)?.message ?? e), '');
  }
  if (!response.ok) {
    let body: Record<string, unknown> = {};
    try {
      body = await response.json();
    } catch {
      body = {};
    }
    throw new APIError(
      response.status,
      String(body.error ?? `HTTP ${response.status}`),
      String(body.detail ?? body.message ?? response.statusText ?? ''),
      String(body.hint ?? ''),
      body
    );
  }
  if (raw) {
    return response as unknown as T;
  }
  const text = await response.text();
  return (text ? JSON.parse(text) : {}) as T;
}
