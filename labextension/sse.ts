import { createParser, EventSourceMessage } from 'eventsource-parser';
import { requestAPI } from './request';

export interface IServerEvent {
  id?: string;
  event: string;
  data: any;
}

/**
 * Follow a `text/event-stream` endpoint through requestAPI (fetch streaming, so the Jupyter
 * token travels in headers). Calls `onEvent` for each event; resolves when the stream ends, rejects
 * when `signal` aborts it. Resuming after a dropped stream is the caller's: it passes the last
 * event id it saw as `lastEventId`, which goes out as the `Last-Event-ID` header.
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
  // the wire format (fields, comments, CR/LF line ends, multi-line data) is eventsource-parser's
  const parser = createParser({ onEvent: message => onEvent(toServerEvent(message)) });
  const reader = response.body.getReader();
  const decoder = new TextDecoder();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) {
      break;
    }
    parser.feed(decoder.decode(value, { stream: true }));
  }
  // an event cut off without its closing blank line is dropped, as an EventSource would
  parser.feed(decoder.decode());
}

/** The server sends JSON payloads; anything else is passed on as text. */
function toServerEvent(message: EventSourceMessage): IServerEvent {
  let data: unknown = message.data;
  try {
    data = JSON.parse(message.data);
  } catch {
    /* plain text data */
  }
  return { id: message.id, event: message.event ?? 'message', data };
}
