/**
 * Records the timers created from code whose stack matches `from` (johnny-five, firmata-io, our
 * firmata folder) and which of them are still armed, so a test can prove stop() leaves none.
 * Counting the process's active timers instead would also count vitest's own, which come and go.
 */
export function trackTimers(from: RegExp) {
  const armed = new Map<unknown, string>();
  const original = {
    setTimeout: globalThis.setTimeout,
    setInterval: globalThis.setInterval,
    clearTimeout: globalThis.clearTimeout,
    clearInterval: globalThis.clearInterval,
  };
  const origin = () => new Error().stack?.split('\n').find((line) => from.test(line)) ?? '';
  const patched = {
    setTimeout: (fn: (...args: unknown[]) => void, ms?: number, ...args: unknown[]) => {
      const where = origin();
      const handle = original.setTimeout(
        (...a: unknown[]) => {
          armed.delete(handle);
          fn(...a);
        },
        ms,
        ...args,
      );
      if (where !== '') armed.set(handle, where.trim());
      return handle;
    },
    setInterval: (fn: (...args: unknown[]) => void, ms?: number, ...args: unknown[]) => {
      const where = origin();
      const handle = original.setInterval(fn, ms, ...args);
      if (where !== '') armed.set(handle, where.trim());
      return handle;
    },
    clear: (handle: unknown) => {
      armed.delete(handle);
      original.clearTimeout(handle as Parameters<typeof clearTimeout>[0]);
    },
  };
  Object.assign(globalThis, {
    setTimeout: patched.setTimeout,
    setInterval: patched.setInterval,
    clearTimeout: patched.clear,
    clearInterval: patched.clear,
  });
  return {
    /** Where each still-armed timer was created. */
    armed: () => [...armed.values()],
    restore: (): void => {
      Object.assign(globalThis, original);
    },
  };
}
