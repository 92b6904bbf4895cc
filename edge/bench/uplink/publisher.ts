import type { MqttClient } from 'mqtt';
import type { Inflight } from './link.js';
import type { TraceSample } from './trace.js';

/** What every publisher of the bench does: it sees the samples, sets its own timers, and publishes. */
export interface BenchPublisher {
  /** Short key for the JSON ('naive', 'codec8', 'ours'…). */
  readonly key: string;
  readonly label: string;
  readonly unitId: string;
  readonly keepaliveS: number;
  /** Connects (through the proxy) and arms its timers on the virtual clock. */
  start(): Promise<void>;
  observe(sample: TraceSample): void;
  /** The end of the measured span: sends whatever it still holds. */
  finish(): Promise<void>;
  stop(): Promise<void>;
  client(): MqttClient;
  inflight(): Inflight;
  sent(): SentCount;
}

export interface SentCount {
  /** Telemetry messages (the other topics, like the edge's retained state, are in the bytes only). */
  messages: number;
  records: number;
  payloadBytes: number;
}

export const BENCH_PASSWORD = 'bench-secret';
/** One JSON record every 10 s (naive) and one AVL record every 10 s (Codec 8): the requirement's cadence. */
export const BASELINE_TICK_MS = 10_000;
