/**
 * A tiny typed event hub: `on()` returns its own unsubscribe function, so callers never need
 * to keep a reference to the listener just to remove it.
 */
export type EventMap = Record<string, unknown[]>;

export type Unsubscribe = () => void;

export class TypedEvents<E extends EventMap> {
  private readonly listeners: { [K in keyof E]?: Set<(...args: E[K]) => void> } = {};

  on<K extends keyof E>(event: K, listener: (...args: E[K]) => void): Unsubscribe {
    const set = this.listeners[event] ?? new Set<(...args: E[K]) => void>();
    this.listeners[event] = set;
    set.add(listener);
    return () => {
      set.delete(listener);
    };
  }

  emit<K extends keyof E>(event: K, ...args: E[K]): void {
    const set = this.listeners[event];
    if (set === undefined) return;
    // Copy first: a listener may unsubscribe itself while we iterate.
    for (const listener of [...set]) listener(...args);
  }

  listenerCount(event: keyof E): number {
    return this.listeners[event]?.size ?? 0;
  }
}
