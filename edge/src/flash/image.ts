import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { APPLICATION_BYTES } from './boards.js';
import { FlashError, FlashErrorCode } from './errors.js';
import { FIRMATA_IMAGE_SOURCE, type ImageSource } from './image-source.js';
import { type HexImage, parseIntelHex } from './intel-hex.js';

/** What a technician and the log need to know about the image that goes on a board. */
export interface ImageIdentity {
  source: 'package' | 'file';
  /** Absolute path of the hex file avrdude reads. */
  path: string;
  /** For a packaged image: the npm package, its installed version, and what the image is. */
  packageName?: string;
  version?: string;
  description?: string;
  /** sha256 of the hex file's bytes. */
  sha256: string;
  /** Bytes the image sets, and the flash it spans from address 0. */
  dataBytes: number;
  spanBytes: number;
}

export interface FirmwareImage {
  identity: ImageIdentity;
  image: HexImage;
}

/** Finds `<name>/package.json` in node_modules; replaceable so a test can point at its own folder. */
export type PackageResolver = (packageName: string) => string;

const nodeResolver: PackageResolver = (packageName) =>
  createRequire(import.meta.url).resolve(`${packageName}/package.json`);

/** The StandardFirmata image from its npm package, checked against the reviewed sha256. */
export async function loadPackagedImage(
  source: ImageSource = FIRMATA_IMAGE_SOURCE,
  resolvePackage: PackageResolver = nodeResolver,
): Promise<FirmwareImage> {
  let packageJson: string;
  try {
    packageJson = resolvePackage(source.packageName);
  } catch (err) {
    throw new FlashError(
      FlashErrorCode.IMAGE_MISSING,
      `le paquet npm ${source.packageName}@${source.version}, qui fournit l’image, n’est pas installé`,
      { cause: err },
    );
  }
  const version = await readVersion(packageJson);
  const path = join(dirname(packageJson), source.file);
  const text = await readImageText(path);
  const sha256 = sha256Of(text);
  if (sha256 !== source.sha256) {
    throw new FlashError(
      FlashErrorCode.IMAGE_UNEXPECTED,
      `${source.packageName}@${version} fournit une image différente de celle relue (sha256 ${sha256}, attendu ${source.sha256})`,
    );
  }
  const image = parse(text, path);
  return {
    identity: {
      source: 'package',
      path,
      packageName: source.packageName,
      version,
      description: source.description,
      sha256,
      dataBytes: image.dataBytes,
      spanBytes: image.bytes.length,
    },
    image,
  };
}

/** A hex file the technician names with --image (a test build, another Firmata). */
export async function loadImageFile(file: string): Promise<FirmwareImage> {
  const path = resolve(file);
  // avrdude splits -U on ':'; a colon in the path would be read as the end of the file name.
  if (path.includes(':')) {
    throw new FlashError(FlashErrorCode.INPUT, `le chemin de l’image ne doit pas contenir « : » (${path})`);
  }
  const text = await readImageText(path);
  const image = parse(text, path);
  return {
    identity: {
      source: 'file',
      path,
      sha256: sha256Of(text),
      dataBytes: image.dataBytes,
      spanBytes: image.bytes.length,
    },
    image,
  };
}

async function readImageText(path: string): Promise<Buffer> {
  try {
    return await readFile(path);
  } catch (err) {
    throw new FlashError(FlashErrorCode.IMAGE_MISSING, `impossible de lire l’image ${path}`, { cause: err });
  }
}

async function readVersion(packageJson: string): Promise<string> {
  try {
    const parsed = JSON.parse(await readFile(packageJson, 'utf8')) as { version?: unknown };
    return typeof parsed.version === 'string' ? parsed.version : 'inconnue';
  } catch (err) {
    throw new FlashError(FlashErrorCode.IMAGE_MISSING, `impossible de lire ${packageJson}`, { cause: err });
  }
}

function parse(text: Buffer, path: string): HexImage {
  try {
    return parseIntelHex(text.toString('latin1'), { maxBytes: APPLICATION_BYTES });
  } catch (err) {
    if (err instanceof FlashError) throw new FlashError(err.code, `${path} : ${err.message}`, { cause: err });
    throw err;
  }
}

const sha256Of = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');
