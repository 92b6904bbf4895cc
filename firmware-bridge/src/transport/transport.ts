/**
 * A byte pipe to a device. Drivers and simulators take one of these, never a path,
 * so the same driver runs over a real serial port, a pseudo-terminal or an in-memory pair.
 */
export interface ByteTransport {
  /** Queue bytes for the device; resolves once they are handed to the OS (drained). */
  write(bytes: Uint8Array): Promise<void>;
  /** Register a receiver for incoming bytes. Returns a function that removes it. */
  onData(listener: (bytes: Uint8Array) => void): () => void;
  /** Called once if the link fails after opening (cable pulled, device gone). */
  onError(listener: (err: Error) => void): () => void;
  close(): Promise<void>;
  readonly isOpen: boolean;
}
