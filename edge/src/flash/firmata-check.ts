import {
  type ByteTransport,
  type Clock,
  firmata,
  openSerialTransport,
  systemClock,
  type TimerHandle,
} from '@triporteur/firmware-bridge';
import { FIRMATA_BAUD } from './boards.js';
import { FlashError, FlashErrorCode } from './errors.js';

/**
 * Proves a freshly flashed board speaks Firmata: it asks for the firmware's name and version
 * (REPORT_FIRMWARE, F0 79 F7) until the board answers. The question is repeated because opening the
 * port resets a Nano, and its bootloader swallows what arrives in the first second or two; the
 * sketch also announces itself from setup(), which answers just as well.
 */
export interface FirmataIdentity {
  name: string;
  major: number;
  minor: number;
}

export interface FirmataCheckOptions {
  /** Give up after this long; the old bootloader alone waits about 2 s after a reset. */
  timeoutMs?: number;
  /** Ask again this often until an answer comes. */
  retryMs?: number;
  clock?: Clock;
}

const QUERY = firmata.encodeFirmataMessage({ kind: 'firmwareQuery' });

export function queryFirmware(transport: ByteTransport, options: FirmataCheckOptions = {}): Promise<FirmataIdentity> {
  const clock = options.clock ?? systemClock;
  const timeoutMs = options.timeoutMs ?? 8_000;
  const retryMs = options.retryMs ?? 500;
  const splitter = new firmata.FirmataFrameSplitter({ direction: 'fromBoard' });
  return new Promise((resolve, reject) => {
    let retry: TimerHandle | undefined;
    let done = false;
    const finish = (outcome: () => void) => {
      if (done) return;
      done = true;
      stopData();
      stopErrors();
      clock.clearTimeout(deadline);
      if (retry) clock.clearTimeout(retry);
      outcome();
    };
    const ask = () => {
      transport.write(QUERY).catch((err: unknown) => finish(() => reject(lost(err))));
      retry = clock.setTimeout(ask, retryMs);
    };
    const stopData = transport.onData((bytes) => {
      for (const piece of splitter.push(bytes)) {
        if (piece.type !== 'frame') continue;
        const decoded = firmata.decodeFirmataMessage(piece.frame);
        if (decoded.ok && decoded.message.kind === 'firmware') {
          const { name, major, minor } = decoded.message;
          finish(() => resolve({ name, major, minor }));
          return;
        }
      }
    });
    const stopErrors = transport.onError((err) => finish(() => reject(lost(err))));
    const deadline = clock.setTimeout(
      () =>
        finish(() =>
          reject(
            new FlashError(
              FlashErrorCode.NO_FIRMATA,
              `aucune réponse Firmata (REPORT_FIRMWARE) en ${timeoutMs} ms à ${FIRMATA_BAUD} bauds`,
            ),
          ),
        ),
      timeoutMs,
    );
    ask();
  });
}

/** Opens the port at StandardFirmata's speed, asks, and closes it again. */
export async function confirmFirmata(port: string, options: FirmataCheckOptions = {}): Promise<FirmataIdentity> {
  const transport = await openSerialTransport({ path: port, baudRate: FIRMATA_BAUD }).catch((err: unknown) => {
    throw new FlashError(FlashErrorCode.PORT_OPEN, `impossible d’ouvrir ${port} pour la vérification Firmata`, {
      cause: err,
    });
  });
  try {
    return await queryFirmware(transport, options);
  } finally {
    await transport.close();
  }
}

function lost(err: unknown): FlashError {
  return new FlashError(FlashErrorCode.NO_FIRMATA, 'le port s’est fermé pendant la vérification Firmata', {
    cause: err,
  });
}
