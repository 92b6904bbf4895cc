import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Command } from 'commander';
import { checkPort, formatCommand } from '../flash/avrdude-command.js';
import { APPLICATION_BYTES, boardNamed, bootloaderBaud, FIRMATA_BAUD } from '../flash/boards.js';
import { FlashError, FlashErrorCode, isFlashError } from '../flash/errors.js';
import { confirmFirmata, type FirmataCheckOptions } from '../flash/firmata-check.js';
import { type FlashRequest, flashImage, flashTimeLimitMs, planFlash } from '../flash/flasher.js';
import {
  type FirmwareImage,
  type ImageIdentity,
  loadImageFile,
  loadPackagedImage,
  type PackageResolver,
} from '../flash/image.js';
import { FIRMATA_IMAGE_SOURCE, type ImageSource } from '../flash/image-source.js';
import { type CommandRunner, createExecFileRunner } from '../hotspot/system/command.js';
import { EXIT } from './report.js';

/** What the command needs from outside; tests replace the image's package and the exit code. */
export interface FlashCliDeps {
  out: NodeJS.WritableStream;
  err: NodeJS.WritableStream;
  /** The runner for avrdude, given the time limit past which avrdude is stuck. */
  runner: (timeoutMs: number) => CommandRunner;
  imageSource: ImageSource;
  resolvePackage?: PackageResolver;
  avrdude?: string;
  firmataCheck?: FirmataCheckOptions;
  setExitCode: (code: number) => void;
}

const defaults: FlashCliDeps = {
  out: process.stdout,
  err: process.stderr,
  runner: (timeoutMs) => createExecFileRunner({ timeoutMs }),
  imageSource: FIRMATA_IMAGE_SOURCE,
  setExitCode: (code) => {
    process.exitCode = code;
  },
};

interface FlashOptions {
  port: string;
  board: string;
  baud?: string;
  image?: string;
  attempts?: string;
  verifyOnly?: boolean;
  dryRun?: boolean;
}

/** `flash-firmata`: StandardFirmata onto the aux board's Nano, verified, then asked for its name. */
export function addFlashCommands(program: Command, overrides: Partial<FlashCliDeps> = {}): void {
  const deps: FlashCliDeps = { ...defaults, ...overrides };
  program
    .command('flash-firmata')
    .description(
      'écrit StandardFirmata sur le Nano de la carte auxiliaire avec avrdude, le vérifie, puis l’interroge en Firmata',
    )
    .option('--port <chemin>', 'port série du Nano', '/dev/triporteur-arduino')
    .option('--board <carte>', 'nano (bootloader Optiboot, 115200) ou nano-old (ancien bootloader, 57600)', 'nano')
    .option('--baud <vitesse>', 'vitesse du bootloader, 57600 ou 115200 (par défaut celle de la carte)')
    .option('--image <fichier.hex>', 'une autre image Intel HEX que celle du paquet npm')
    .option('--attempts <n>', 'tentatives de synchronisation d’avrdude (1 à 99 ; 10 par défaut)')
    .option('--verify-only', 'relit la carte et la compare à l’image, sans rien écrire')
    .option('--dry-run', 'affiche l’image et la commande avrdude exacte, sans rien lancer')
    .action(async (opts: FlashOptions) => {
      try {
        await flashFirmata(opts, deps);
      } catch (err) {
        if (!isFlashError(err)) throw err;
        deps.err.write(`error ${err.code}: ${err.message}\n  à faire : ${err.fix}\n`);
        deps.setExitCode(exitCodeFor(err));
      }
    });
}

async function flashFirmata(opts: FlashOptions, deps: FlashCliDeps): Promise<void> {
  const { out } = deps;
  // Every option is checked before the image is read or anything runs.
  checkPort(opts.port);
  boardNamed(opts.board);
  const baud = opts.baud === undefined ? undefined : bootloaderBaud(opts.baud);
  const attempts = opts.attempts === undefined ? undefined : parseAttempts(opts.attempts);
  const image = await loadImage(opts.image, deps);
  writeIdentity(out, image.identity);

  const request: FlashRequest = {
    port: opts.port,
    board: opts.board,
    image: image.identity,
    operation: opts.verifyOnly ? 'verify' : 'write',
    ...(baud === undefined ? {} : { baud }),
    ...(attempts === undefined ? {} : { attempts }),
  };
  if (opts.dryRun) {
    const plan = planFlash(request, join(tmpdir(), 'triporteur-flash-XXXXXX', 'avrdude.log'), deps.avrdude);
    out.write(`commande  : ${formatCommand(plan.file, plan.args)}\n`);
    out.write(`ensuite   : question Firmata REPORT_FIRMWARE (F0 79 F7) sur ${opts.port} à ${FIRMATA_BAUD} bauds\n`);
    out.write('--dry-run : rien n’a été lancé.\n');
    return;
  }
  const runner = deps.runner(flashTimeLimitMs(attempts));
  const result = await flashImage(request, { runner, ...(deps.avrdude ? { avrdude: deps.avrdude } : {}) });
  out.write(`commande  : ${formatCommand(result.plan.file, result.plan.args)}\n`);
  const written = result.bytesWritten === undefined ? '' : `écrit ${result.bytesWritten} octets, `;
  out.write(`avrdude   : ${written}vérifié ${result.bytesVerified} octets (signature ${result.signature ?? '?'})\n`);
  const firmata = await confirmFirmata(opts.port, deps.firmataCheck);
  out.write(`Firmata   : ${firmata.name} ${firmata.major}.${firmata.minor} répond à ${FIRMATA_BAUD} bauds\n`);
  out.write('terminé   : le Nano est prêt.\n');
}

function loadImage(file: string | undefined, deps: FlashCliDeps): Promise<FirmwareImage> {
  if (file !== undefined) return loadImageFile(file);
  return deps.resolvePackage
    ? loadPackagedImage(deps.imageSource, deps.resolvePackage)
    : loadPackagedImage(deps.imageSource);
}

function writeIdentity(out: NodeJS.WritableStream, identity: ImageIdentity): void {
  const origin =
    identity.source === 'package'
      ? `${identity.packageName}@${identity.version} (${identity.description})`
      : 'fichier donné par --image';
  out.write(`image     : ${origin}\n`);
  out.write(`fichier   : ${identity.path}\n`);
  out.write(`sha256    : ${identity.sha256}\n`);
  out.write(
    `taille    : ${identity.dataBytes} octets, jusqu’à l’adresse ${identity.spanBytes} (place sous le bootloader : ${APPLICATION_BYTES})\n`,
  );
}

function parseAttempts(value: string): number {
  const attempts = Number(value);
  if (!/^\d{1,2}$/.test(value) || attempts < 1) {
    throw new FlashError(FlashErrorCode.INPUT, `--attempts « ${value} » : un entier de 1 à 99`);
  }
  return attempts;
}

/** Bad options and images are the person's to fix (2); a board that does not answer is the line's (3). */
function exitCodeFor(err: FlashError): number {
  switch (err.code) {
    case FlashErrorCode.INPUT:
    case FlashErrorCode.IMAGE_MISSING:
    case FlashErrorCode.IMAGE_INVALID:
    case FlashErrorCode.IMAGE_TOO_LARGE:
    case FlashErrorCode.IMAGE_UNEXPECTED:
      return EXIT.config;
    case FlashErrorCode.PORT_OPEN:
    case FlashErrorCode.NOT_IN_SYNC:
    case FlashErrorCode.SIGNATURE:
    case FlashErrorCode.PROTOCOL:
    case FlashErrorCode.VERIFY:
    case FlashErrorCode.NO_FIRMATA:
      return EXIT.serial;
    default:
      return EXIT.unexpected;
  }
}
