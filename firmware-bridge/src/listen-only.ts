import { BridgeError, BridgeErrorCode } from './errors.js';
import type { ByteTransport } from './transport/transport.js';

/**
 * A receive-only view of a transport, for display lines the Pi must never drive (KT, Bafang:
 * REFERENCE.md §1). A second talker on those lines corrupts the display's own traffic, so a
 * sniffer gets this view and cannot transmit even by mistake: write() always rejects with
 * BRG_TRANSMIT_FORBIDDEN and never reaches the port. Receiving, errors and close pass through.
 */
export function listenOnly(transport: ByteTransport): ByteTransport {
  return {
    get isOpen() {
      return transport.isOpen;
    },
    write: () =>
      Promise.reject(
        new BridgeError(BridgeErrorCode.TRANSMIT_FORBIDDEN, 'this line is listen-only: nothing may be sent'),
      ),
    onData: (listener) => transport.onData(listener),
    onError: (listener) => transport.onError(listener),
    close: () => transport.close(),
  };
}
