import { requestAPI } from './request';

export interface IServerEvent {
  id?: string;
  event: string;
  data: any;
}

/**
 * Follow a `text/event-stream` endpoint through requestAPI (fetch streaming, so the Jupyter
 * token travels in headers). Calls `onEvent` for each event; resolves when the stream ends.
 */
export async function followEvents(
  endPoint: string,
  onEvent: (e: IServerEvent) => void,
  signal: AbortSignal,
  query?: Record<string, string | undefined>,
  lastEventId?: string
): Promise<void> {
  const headers: Record<string, string> = { Accept: 'text/event-stream' };
  if (lastEventId) {
    headers['Last-Event-ID'] = lastEventId;
  }
  const response = await requestAPI<Response>(endPoint, { raw: true, signal, query, headers });
  if (!response.body) {
    return;
  }
  const reader = response.body.getReader();
  const decoder = new TextDecoder();
  let buffer = '';
  for (;;) {
    const { done, value } = await reader.read();
    if (done) {
      break;
    }
    buffer += decoder.decode(value, { stream: true });
    let cut: number;
    while ((cut = buffer.search(/\r?\n\r?\n/)) >= 0) {
      const block = buffer.slice(0, cut);
      buffer = buffer.slice(cut).replace(/^\r?\n\r?\n/, '');
      const parsed = parseBlock(block);
      if (parsed) {
        onEvent(parsed);
      }
    }
  }
}

function parseBlock(block: string): IServerEvent | null {
  let event = 'message';
  let id: string | undefined;
  const data: string[] = [];
  for (const line of block.split(/\r?\n/)) {
    if (!line || line.startsWith(':')) {
      continue;
    }
    const i = line.indexOf(':');
    const field = i < 0 ? line : line.slice(0, i);
    const value = i < 0 ? '' : line.slice(i + 1).replace(/^ /, '');
    if (field === 'event') {
      event = value;
    } else if (field === 'data') {
      data.push(value);
    } else if (field === 'id') {
      id = value;
    }
  }
  if (!data.length) {
    return null;
  }
  const text = data.join('\n');
  let parsed: unknown = text;
  try {
    parsed = JSON.parse(text);
  } catch {
    /* plain text data */
  }
  return { id, event, data: parsed };
}
