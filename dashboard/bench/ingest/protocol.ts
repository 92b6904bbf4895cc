/**
 * What the bench process and its publisher process (publisher-child.ts) say to each other over IPC. The
 * publishers run in a process of their own so that 1,000 mqtt.js clients do not share an event loop with
 * the dashboard being measured (in the field they are 1,000 tricycles).
 */

export interface UnitLogin {
  id: string;
  secret: string;
}

export interface ConnectRequest {
  type: 'connect';
  url: string;
  units: UnitLogin[];
  seed: number;
  batchesPerUnit: number;
  recordsPerBatch: number;
  /** The backlog's last record is dated just before this (unit clock, ms since epoch). */
  backlogEndTs: number;
}

/**
 * Every unit publishes its whole backlog, batch k of every unit before batch k + 1 of any; `repeat`
 * times over for the relay, whose plain subscriber would otherwise be done in a blink.
 */
export interface BurstRequest {
  type: 'burst';
  repeat: number;
}

/** Every unit reports one record every `periodMs`, staggered; latency is read on the dashboard's SSE stream. */
export interface PacedRequest {
  type: 'paced';
  liveUrl: string;
  cookie: string;
  periodMs: number;
  warmupMs: number;
  measureMs: number;
  /** How long to wait after the last publish for the events still owed. */
  settleMs: number;
}

export interface CloseRequest {
  type: 'close';
}

export type ChildRequest = ConnectRequest | BurstRequest | PacedRequest | CloseRequest;

export interface Connected {
  type: 'connected';
  connectMs: number;
  messagesPerBurst: number;
  recordsPerBurst: number;
  /** Encoded payload bytes of one burst (deflate-raw with the contract's dictionary). */
  payloadBytesPerBurst: number;
}

export interface BurstDone {
  type: 'burst-done';
  messages: number;
  records: number;
  /** From the first publish call to the last publish call, and to the last PUBACK, ms. */
  publishMs: number;
  pubackMs: number;
  failed: number;
}

export interface PacedDone {
  type: 'paced-done';
  /** Publish → `unit` event on /api/live, ms, for records published after the warm-up. */
  latenciesMs: number[];
  publishedWarmup: number;
  publishedMeasured: number;
  /** Measured records whose event never came (within settleMs after the last publish). */
  missing: number;
  /** `unit` events that matched no record published (another writer, or a wrong match). */
  unmatchedEvents: number;
  failed: number;
  /** How late the scheduler published, worst case, ms: large values mean the publishers were starved. */
  maxScheduleLagMs: number;
}

export interface Closed {
  type: 'closed';
}

export interface ChildFailed {
  type: 'failed';
  message: string;
}

export type ChildReply = Connected | BurstDone | PacedDone | Closed | ChildFailed;
