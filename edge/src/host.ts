import type { ByteTransport, Clock } from '@triporteur/firmware-bridge';
import type { IClientOptions, MqttClient } from 'mqtt';
import type { Logger } from 'pino';

/**
 * Everything the edge service needs from the outside world. `main.ts` passes the real ones;
 * tests pass real parts too (a pty, a broker) but can swap the clock or the serial opener.
 */
export interface Host {
  openSerial(options: { path: string; baudRate: number }): Promise<ByteTransport>;
  connectMqtt(url: string, options: IClientOptions): MqttClient;
  readFile(path: string): Promise<Uint8Array>;
  clock: Clock;
  logger: Logger;
  /** A fresh random id (boot ids, correlation ids). */
  randomId(): string;
}
