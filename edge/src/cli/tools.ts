import { constants, createReadStream, createWriteStream } from 'node:fs';
import { access, readFile } from 'node:fs/promises';
import {
  DECODERS,
  type DecodedLine,
  decoderFor,
  formatCaptureChunk,
  formatCaptureHeader,
  openSerialTransport,
  type ProtocolDecoder,
  type ProtocolName,
  parseCapture,
  parseHex,
  StreamDecoder,
} from '@triporteur/firmware-bridge';
import type { Command } from 'commander';
import { EdgeError, EdgeErrorCode } from '../errors.js';

/** The technician's serial tools: capture raw bytes, decode them, replay a capture. */
export function addSerialTools(program: Command, out: NodeJS.WritableStream = process.stdout): void {
  const protocols = Object.keys(DECODERS).join('|');
  const emit = (lines: DecodedLine[]) => {
    for (const line of lines) out.write(`${JSON.stringify(line)}\n`);
  };

  program
    .command('decode')
    .description('decode raw serial bytes into one JSON object per line (messages and discarded bytes)')
    .requiredOption('-p, --protocol <name>', protocols)
    .option('--hex', 'the input is hex text, not raw bytes')
    .argument('[file]', 'input file; standard input when absent or "-"')
    .action(async (file: string | undefined, opts: { protocol: string; hex?: boolean }) => {
      const stream = new StreamDecoder(requireDecoder(opts.protocol));
      const fromStdin = file === undefined || file === '-';
      if (!fromStdin) {
        await access(file, constants.R_OK).catch((err: unknown) => {
          throw new EdgeError(EdgeErrorCode.TOOL_INPUT, `cannot read ${file}: ${(err as Error).message}`, {
            cause: err,
          });
        });
      }
      const input = fromStdin ? process.stdin : createReadStream(file);
      if (opts.hex) {
        // Hex text is parsed whole: a byte may be split across two reads.
        let text = '';
        for await (const chunk of input) text += chunk.toString();
        emit(stream.push(parseHexOrFail(text)));
      } else {
        for await (const chunk of input) emit(stream.push(new Uint8Array(chunk as Buffer)));
      }
      emit(stream.end());
    });

  program
    .command('capture')
    .description('record the raw bytes a serial port receives, with timestamps (never transmits)')
    .requiredOption('--port <path>', 'serial device, e.g. /dev/serial/by-id/…')
    .requiredOption('--baud <rate>', 'baud rate', (v) => Number.parseInt(v, 10))
    .requiredOption('-o, --out <file>', 'capture file to write')
    .option('-p, --protocol <name>', `protocol to note in the header (${protocols})`)
    .option('--seconds <n>', 'stop after this many seconds', (v) => Number.parseFloat(v))
    .action(async (opts: { port: string; baud: number; out: string; protocol?: string; seconds?: number }) => {
      if (opts.protocol !== undefined) requireDecoder(opts.protocol);
      const transport = await openSerialTransport({ path: opts.port, baudRate: opts.baud }).catch((err: unknown) => {
        throw new EdgeError(EdgeErrorCode.SERIAL_OPEN, `cannot open ${opts.port}: ${(err as Error).message}`, {
          cause: err,
        });
      });
      const file = createWriteStream(opts.out, { flags: 'wx' });
      const started = Date.now();
      file.write(
        formatCaptureHeader({
          port: opts.port,
          baudRate: opts.baud,
          ...(opts.protocol ? { protocol: opts.protocol as ProtocolName } : {}),
          startedAt: new Date(started).toISOString(),
        }),
      );
      let bytes = 0;
      transport.onData((chunk) => {
        bytes += chunk.length;
        file.write(formatCaptureChunk({ t: Date.now() - started, bytes: chunk }));
      });
      await new Promise<void>((resolve) => {
        const timer = opts.seconds === undefined ? undefined : setTimeout(resolve, opts.seconds * 1000);
        const stop = () => {
          if (timer) clearTimeout(timer);
          resolve();
        };
        process.once('SIGINT', stop);
        process.once('SIGTERM', stop);
        transport.onError(() => stop());
      });
      await transport.close();
      await new Promise<void>((resolve) => file.end(resolve));
      process.stderr.write(
        `captured ${bytes} bytes in ${((Date.now() - started) / 1000).toFixed(1)} s to ${opts.out}\n`,
      );
    });

  program
    .command('replay')
    .description('decode a capture file with the same decoders the drivers use')
    .argument('<file>', 'capture written by `capture`')
    .option('-p, --protocol <name>', 'override the protocol named in the capture header')
    .action(async (file: string, opts: { protocol?: string }) => {
      const text = await readFile(file, 'utf8').catch((err: unknown) => {
        throw new EdgeError(EdgeErrorCode.TOOL_INPUT, `cannot read ${file}: ${(err as Error).message}`, { cause: err });
      });
      const { header, chunks } = parseCapture(text);
      const name = opts.protocol ?? header.protocol;
      if (name === undefined) {
        throw new EdgeError(EdgeErrorCode.TOOL_INPUT, 'the capture names no protocol: pass --protocol');
      }
      const stream = new StreamDecoder(requireDecoder(name));
      for (const chunk of chunks) emit(stream.push(chunk.bytes, chunk.t));
      emit(stream.end());
    });
}

function requireDecoder(name: string): ProtocolDecoder {
  const decoder = decoderFor(name);
  if (!decoder) {
    throw new EdgeError(
      EdgeErrorCode.TOOL_INPUT,
      `unknown protocol "${name}": use one of ${Object.keys(DECODERS).join(', ')}`,
    );
  }
  return decoder;
}

function parseHexOrFail(text: string): Uint8Array {
  try {
    return parseHex(text);
  } catch (err) {
    throw new EdgeError(EdgeErrorCode.TOOL_INPUT, (err as Error).message, { cause: err });
  }
}
