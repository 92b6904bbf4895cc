import { FlashError, FlashErrorCode } from './errors.js';

/**
 * Reads what avrdude 7.1 printed into one outcome. The phrases come from its sources (ser_posix.c
 * "cannot open port", stk500.c "not in sync: resp=", main.c "device signature", "expected signature",
 * update.c "bytes of flash written/verified", avr.c and update.c "verification mismatch"); the test
 * fixtures are real runs of Debian's avrdude 7.1 against the STK500 simulator.
 */
export interface AvrdudeSuccess {
  bytesWritten?: number;
  bytesVerified: number;
  /** As avrdude prints it, e.g. "0x1e950f". */
  signature?: string;
}

/** How avrdude ended: its exit status, or killed by the time limit. */
export type AvrdudeEnd = { exitCode: number } | { timedOut: true };

export function readAvrdudeLog(log: string, end: AvrdudeEnd): AvrdudeSuccess {
  const signature = /device signature = (0x[0-9a-f]+)/i.exec(log)?.[1];
  const initialized = log.includes('AVR device initialized');

  const cannotOpen = /cannot open port (.+?): (.+)/.exec(log);
  if (cannotOpen) {
    throw new FlashError(FlashErrorCode.PORT_OPEN, `avrdude ne peut pas ouvrir ${cannotOpen[1]} : ${cannotOpen[2]}`);
  }
  const expected = /expected signature for (\S+) is ([0-9A-F ]+)/.exec(log);
  if (expected || log.includes('Invalid device signature')) {
    throw new FlashError(
      FlashErrorCode.SIGNATURE,
      `la puce répond avec la signature ${signature ?? 'illisible'}, pas celle d’un ${expected?.[1] ?? 'ATmega328P'} (${expected?.[2]?.trim() ?? '1E 95 0F'})`,
    );
  }
  if (log.includes('verification mismatch')) {
    const where = /device (0x[0-9a-f]+) != input (0x[0-9a-f]+) at addr (0x[0-9a-f]+)/i.exec(log);
    const detail = where ? ` : la carte a ${where[1]} là où l’image a ${where[2]}, à l’adresse ${where[3]}` : '';
    throw new FlashError(FlashErrorCode.VERIFY, `la vérification a échoué${detail}`);
  }
  if (!initialized) {
    const attempts = [...log.matchAll(/attempt (\d+) of (\d+): not in sync: resp=(0x[0-9a-f]{2})/gi)];
    const last = attempts.at(-1);
    if (last) {
      // 0x00 is silence; any other byte is a board talking at another speed, or another program.
      const heard = last[3] === '0x00' ? 'aucune réponse' : `réponse ${last[3]} au lieu de 0x14`;
      throw new FlashError(
        FlashErrorCode.NOT_IN_SYNC,
        `le bootloader ne s’est pas synchronisé après ${last[2]} tentative(s) (${heard})`,
      );
    }
  }
  if ('timedOut' in end) {
    if (initialized) {
      throw new FlashError(
        FlashErrorCode.PROTOCOL,
        'la carte a cessé de répondre pendant le transfert (avrdude arrêté)',
      );
    }
    throw new FlashError(FlashErrorCode.TIMEOUT, 'avrdude n’a pas fini dans le temps imparti');
  }
  if (end.exitCode !== 0) {
    if (initialized && /not responding|out of sync|protocol expects|cannot get into sync/.test(log)) {
      throw new FlashError(FlashErrorCode.PROTOCOL, `la liaison avec le bootloader s’est rompue : ${lastError(log)}`);
    }
    throw new FlashError(FlashErrorCode.FAILED, `avrdude a échoué (code ${end.exitCode}) : ${lastError(log)}`);
  }
  const verified = /(\d+) bytes? of flash verified/.exec(log);
  if (!verified) {
    throw new FlashError(FlashErrorCode.FAILED, 'avrdude a fini sans annoncer la vérification de la flash');
  }
  const written = /(\d+) bytes? of flash written/.exec(log);
  return {
    bytesVerified: Number(verified[1]),
    ...(written ? { bytesWritten: Number(written[1]) } : {}),
    ...(signature ? { signature } : {}),
  };
}

function lastError(log: string): string {
  const errors = log.split('\n').filter((line) => line.startsWith('avrdude error:'));
  return errors.at(-1)?.slice('avrdude error:'.length).trim() ?? '(aucun message d’erreur)';
}
