import mqtt from 'mqtt';
import { brokerConnectError } from '../ingest/errors.js';
import { CommandClient, type CommandClientOptions } from './command-client.js';

export interface CommandConnectionOptions extends Omit<CommandClientOptions, 'mqtt'> {
  url: string;
  username: string;
  password: string;
  /** Must differ from the ingest's (e.g. `<user>:commands`), or the broker would drop one for the other. */
  clientId: string;
  /** CA bundle (PEM) for mqtts:// brokers signed by a private CA. */
  ca?: Uint8Array;
  connectTimeoutMs?: number;
}

export interface CommandConnection {
  readonly commands: CommandClient;
  close(): Promise<void>;
}

/**
 * Commands get their own MQTT connection, with a clean session: a reply meant for a previous run of
 * the process answers nobody, so the broker need not keep any. Resolves once replies are subscribed.
 */
export async function openCommandConnection(options: CommandConnectionOptions): Promise<CommandConnection> {
  const { url, username, password, clientId, ca, connectTimeoutMs, ...tuning } = options;
  let client: mqtt.MqttClient;
  try {
    client = await mqtt.connectAsync(
      url,
      {
        protocolVersion: 4, // MQTT 3.1.1: what aedes speaks and Mosquitto 2 accepts
        clientId,
        username,
        password,
        clean: true,
        reconnectPeriod: 2000,
        connectTimeout: connectTimeoutMs ?? 10_000,
        ...(ca ? { ca: Buffer.from(ca) } : {}),
      },
      false,
    );
  } catch (err) {
    throw brokerConnectError(url, username, err);
  }
  // Without a listener an 'error' event would crash the process; mqtt.js reconnects by itself.
  const log = tuning.logger?.child({ module: 'commands' });
  client.on('error', (err) => log?.warn({ reason: err.message }, 'command connection error'));
  const commands = new CommandClient({ ...tuning, mqtt: client });
  try {
    await commands.start();
  } catch (err) {
    commands.close();
    await client.endAsync(true).catch(() => {});
    throw err;
  }
  let closing: Promise<void> | undefined;
  return {
    commands,
    close() {
      closing ??= Promise.resolve()
        .then(() => commands.close())
        .then(() => client.endAsync());
      return closing;
    },
  };
}
