/**
 * Resolves after one trip through the worker's task queue. A MessageChannel round trip costs far
 * less than setTimeout's clamped delay, and lets queued messages (stop, render) run in between.
 */
const channel = new MessageChannel();
const waiting: (() => void)[] = [];
channel.port1.onmessage = () => waiting.shift()?.();

export function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => {
    waiting.push(resolve);
    channel.port2.postMessage(null);
  });
}
