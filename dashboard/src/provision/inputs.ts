import { readFile } from 'node:fs/promises';
import { isValidUnitId } from '@triporteur/edge/contract';
import { ProvisionError, ProvisionErrorCode } from './errors.js';

/**
 * The command line's values, checked before anything is read from or written to the fleet. Each
 * refusal is coded; none quotes a secret (a passphrase file's content, a private key).
 */

/** An age X25519 recipient: `age1` and 58 bech32 characters (the edge checks the checksum too). */
const AGE_RECIPIENT = /^age1[02-9ac-hj-np-z]{58}$/;
const AGE_RECIPIENT_IN_TEXT = /age1[02-9ac-hj-np-z]{58}/g;

const input = (message: string) => new ProvisionError(ProvisionErrorCode.INPUT, message);

export function checkUnitIdInput(id: string): string {
  if (!isValidUnitId(id)) {
    throw new ProvisionError(
      ProvisionErrorCode.UNIT_ID,
      `unit id ${JSON.stringify(id.slice(0, 80))} must be a lower-case slug of 2 to 63 characters, e.g. tri-lyon-03`,
    );
  }
  return id;
}

export function checkName(name: string): string {
  // The dashboard config's limit; a line break would also break the README and the printed summary.
  if (name.trim() === '' || name.length > 80 || /\p{Cc}/u.test(name)) {
    throw input('--name must be 1 to 80 characters on one line');
  }
  return name;
}

/** A hotspot SSID: 1 to 32 bytes of UTF-8 (the 802.11 limit is bytes), no control characters. */
export function checkSsid(ssid: string, option: string): string {
  if (ssid === '' || Buffer.byteLength(ssid, 'utf8') > 32 || /\p{Cc}/u.test(ssid)) {
    throw input(`${option} must be 1 to 32 bytes (UTF-8) with no control characters`);
  }
  return ssid;
}

export function checkCountry(code: string): string {
  if (!/^[A-Z]{2}$/.test(code)) throw input('--wifi-country must be two capital letters (ISO 3166-1), e.g. FR');
  return code;
}

/**
 * The association's age public key, given as `age1…` or as a file holding exactly one (a line of its
 * own, or age-keygen's `# public key: age1…` comment). A file with the PRIVATE key is refused: it must
 * never be copied towards a unit.
 */
export async function readRecipient(value: string | undefined): Promise<string> {
  if (value === undefined || value.trim() === '') {
    throw new ProvisionError(
      ProvisionErrorCode.RECIPIENT_MISSING,
      '--legal-log-recipient is required: the public key printed by `triporteur-edge legal-log keygen` (age1…), or its file',
    );
  }
  const invalid = (why: string) => new ProvisionError(ProvisionErrorCode.RECIPIENT_INVALID, why);
  if (value.startsWith('age1')) {
    if (!AGE_RECIPIENT.test(value))
      throw invalid('--legal-log-recipient is not an age public key (age1 and 58 characters)');
    return value;
  }
  let text: string;
  try {
    text = await readFile(value, 'utf8');
  } catch (err) {
    throw invalid(
      `cannot read the legal log recipient file ${value}: ${(err as NodeJS.ErrnoException).code ?? 'error'}`,
    );
  }
  if (/AGE-SECRET-KEY-/i.test(text)) {
    throw new ProvisionError(
      ProvisionErrorCode.RECIPIENT_PRIVATE,
      `${value} holds the association's PRIVATE key; give the public key (age1…) instead, and keep that file off every unit`,
    );
  }
  const keys = new Set(text.match(AGE_RECIPIENT_IN_TEXT) ?? []);
  if (keys.size !== 1) {
    throw invalid(`${value} must hold exactly one age public key (age1…); it holds ${keys.size}`);
  }
  return [...keys][0] as string;
}

const SSH_PUBLIC_KEY =
  /^(ssh-ed25519|ssh-rsa|ecdsa-sha2-nistp(256|384|521)|sk-ssh-ed25519@openssh\.com|sk-ecdsa-sha2-nistp256@openssh\.com) [A-Za-z0-9+/]+={0,3}( [^\p{Cc}]*)?$/u;

/** The technician's OpenSSH public keys, one per line as in authorized_keys; comments and blank lines skipped. */
export async function readSshKeys(path: string): Promise<string[]> {
  const bad = (why: string) => new ProvisionError(ProvisionErrorCode.SSH_KEY, `${path}: ${why}`);
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    throw bad(`cannot read (${(err as NodeJS.ErrnoException).code ?? 'error'})`);
  }
  if (text.includes('PRIVATE KEY')) throw bad('this is a private key; give the .pub file');
  const keys = text
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#'));
  if (keys.length === 0) throw bad('no public key in the file');
  keys.forEach((key, i) => {
    if (!SSH_PUBLIC_KEY.test(key)) throw bad(`line ${i + 1} is not an OpenSSH public key (ssh-ed25519 AAAA… comment)`);
  });
  return keys;
}

/** The fleet's edge config template: every setting but the unit's identity (devices, venue, budget…). */
export async function readTemplate(path: string): Promise<Record<string, unknown>> {
  const bad = (why: string) => new ProvisionError(ProvisionErrorCode.TEMPLATE, `template ${path}: ${why}`);
  let parsed: unknown;
  try {
    parsed = JSON.parse(await readFile(path, 'utf8'));
  } catch (err) {
    // V8's message may quote the text around the fault, and a template can hold the staff passphrase.
    const at = err instanceof SyntaxError ? /position (\d+)/.exec(err.message)?.[1] : undefined;
    throw bad(
      err instanceof SyntaxError
        ? `not valid JSON${at === undefined ? '' : ` (at character ${at})`}`
        : `cannot read (${(err as NodeJS.ErrnoException).code ?? 'error'})`,
    );
  }
  if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) throw bad('expected a JSON object');
  return parsed as Record<string, unknown>;
}

/** The depot network's WPA2 passphrase: 8 to 63 printable ASCII characters, or 64 hex digits. */
export async function readDepotPassphrase(path: string): Promise<string> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    throw input(`cannot read the depot passphrase file ${path} (${(err as NodeJS.ErrnoException).code ?? 'error'})`);
  }
  const passphrase = text.replace(/\r?\n$/, '');
  if (!/^([\x20-\x7e]{8,63}|[0-9A-Fa-f]{64})$/.test(passphrase)) {
    throw input(`${path} must hold one line: 8 to 63 printable ASCII characters, or 64 hex digits`);
  }
  return passphrase;
}
