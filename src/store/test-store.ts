import { vi } from 'vitest';
import { EngineClient, type WorkerLike } from '../engine/client';
import type { ToolRunner } from '../features/chat/chat-slice';
import { createAppStore } from './create-store';

// Shared by the store and slice tests (never imported by the app).

/** A worker that never answers: for tests that drive the store without the engine. */
export const idleWorker = (): WorkerLike => ({
  postMessage() {},
  terminate() {},
  onmessage: null,
  onerror: null,
});

const nullTool: ToolRunner = {
  run: async () => ({ ok: true, value: null, logs: [], durationMs: 0 }),
};

/** The app's store over an idle engine and, unless given, a tool runner that returns null. */
export const newIdleStore = (tools: () => ToolRunner = () => nullTool) =>
  createAppStore(new EngineClient(idleWorker), tools);

/** Polls until the assertion holds; generous, since CI machines are slow and busy. */
export const eventually = <T>(check: () => T) =>
  vi.waitFor(check, { timeout: 10_000, interval: 5 });
