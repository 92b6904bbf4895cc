import type { CDPSession } from 'playwright-core';

/** One request of the page as the network saw it. */
export interface Transfer {
  path: string;
  type: string;
  status: number;
  /** Content-Encoding of the answer ('' for none). */
  encoding: string;
  /** Bytes on the wire: headers and (compressed) body, as Chromium counted them. */
  wireBytes: number;
  /** The body once decoded. */
  bodyBytes: number;
  finished: boolean;
}

/** The bytes a page pulls, per request, from Chromium's own network events (CDP Network domain). */
export class TransferLog {
  private readonly byId = new Map<string, Transfer>();

  constructor(cdp: CDPSession) {
    cdp.on('Network.requestWillBeSent', (event) => {
      this.byId.set(event.requestId, {
        path: new URL(event.request.url).pathname,
        type: event.type ?? 'Other',
        status: 0,
        encoding: '',
        wireBytes: 0,
        bodyBytes: 0,
        finished: false,
      });
    });
    cdp.on('Network.responseReceived', (event) => {
      const transfer = this.byId.get(event.requestId);
      if (!transfer) return;
      transfer.status = event.response.status;
      const headers = Object.fromEntries(
        Object.entries(event.response.headers).map(([name, value]) => [name.toLowerCase(), String(value)]),
      );
      transfer.encoding = headers['content-encoding'] ?? '';
      // Headers so far; a stream that never finishes (the SSE) adds its chunks below.
      transfer.wireBytes = event.response.encodedDataLength;
    });
    cdp.on('Network.dataReceived', (event) => {
      const transfer = this.byId.get(event.requestId);
      if (!transfer) return;
      transfer.bodyBytes += event.dataLength;
      if (!transfer.finished) transfer.wireBytes += event.encodedDataLength;
    });
    cdp.on('Network.loadingFinished', (event) => {
      const transfer = this.byId.get(event.requestId);
      if (!transfer) return;
      transfer.finished = true;
      // The exact total on the wire for the request, headers included.
      transfer.wireBytes = event.encodedDataLength;
    });
  }

  /** Every request so far, copied. */
  snapshot(): Transfer[] {
    return [...this.byId.values()].map((transfer) => ({ ...transfer }));
  }

  /** Requests still waiting for their answer's end, other than streams. */
  inFlight(): number {
    return [...this.byId.values()].filter((t) => !t.finished && t.type !== 'EventSource').length;
  }
}

/** Per-path totals: the 500 state requests are one line, not 500. */
export interface TransferGroup {
  what: string;
  requests: number;
  wireBytes: number;
  bodyBytes: number;
  encodings: string[];
}

export function groupTransfers(transfers: readonly Transfer[]): TransferGroup[] {
  const groups = new Map<string, TransferGroup>();
  for (const t of transfers) {
    const what = t.path.replace(/^\/api\/units\/[^/]+\/state$/, '/api/units/:id/state');
    const group = groups.get(what) ?? { what, requests: 0, wireBytes: 0, bodyBytes: 0, encodings: [] };
    group.requests++;
    group.wireBytes += t.wireBytes;
    group.bodyBytes += t.bodyBytes;
    const encoding = t.encoding || 'identity';
    if (!group.encodings.includes(encoding)) group.encodings.push(encoding);
    groups.set(what, group);
  }
  return [...groups.values()].sort((a, b) => b.wireBytes - a.wireBytes);
}

export const totalWireBytes = (transfers: readonly Transfer[]) => transfers.reduce((sum, t) => sum + t.wireBytes, 0);
