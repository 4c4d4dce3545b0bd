import { EngineError, type EngineErrorInfo } from './errors';
import type {
  ControlMessage,
  EngineRequest,
  LoadProgress,
  RequestMap,
  RequestType,
  WorkerEvent,
} from './protocol';

/** The slice of `Worker` the client uses; tests pass a fake. */
export interface WorkerLike {
  postMessage(message: EngineRequest | ControlMessage): void;
  terminate(): void;
  onmessage: ((e: MessageEvent<WorkerEvent>) => void) | null;
  onerror: ((e: ErrorEvent) => void) | null;
  onmessageerror?: ((e: MessageEvent) => void) | null;
}

export interface RequestCallbacks {
  onProgress?: (p: LoadProgress) => void;
  onToken?: (text: string) => void;
}

interface Pending extends RequestCallbacks {
  resolve: (value: unknown) => void;
  reject: (error: EngineError) => void;
}

export type EngineStatusEvent =
  { type: 'fatal'; error: EngineErrorInfo } | { type: 'crashed'; error: EngineErrorInfo };

/**
 * Typed promise API over the inference worker. A crash or a restart rejects every pending call,
 * so no caller waits forever; the next request starts a fresh worker.
 */
export class EngineClient {
  private worker: WorkerLike | null = null;
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  private readonly listeners = new Set<(e: EngineStatusEvent) => void>();

  constructor(private readonly createWorker: () => WorkerLike) {}

  request<K extends RequestType>(
    type: K,
    params: RequestMap[K]['params'],
    callbacks: RequestCallbacks = {},
  ): Promise<RequestMap[K]['result']> {
    const worker = this.ensureWorker();
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { ...callbacks, resolve: resolve as (v: unknown) => void, reject });
      worker.postMessage({ id, type, params } as EngineRequest);
    });
  }

  /** Ends the running generation after its current token. */
  stop(): void {
    this.worker?.postMessage({ type: 'stop' });
  }

  /** Kills the worker (cancelling a download or a stuck call); pending calls reject with `code`. */
  restart(code: 'cancelled' | 'worker_crashed' = 'cancelled', detail?: string): void {
    this.worker?.terminate();
    this.worker = null;
    this.failAll(new EngineError(code, detail));
  }

  onStatus(listener: (e: EngineStatusEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private ensureWorker(): WorkerLike {
    if (this.worker) return this.worker;
    const worker = this.createWorker();
    worker.onmessage = (e) => this.dispatch(e.data);
    worker.onerror = (e) => {
      e.preventDefault?.();
      this.crash(e.message || 'worker error');
    };
    worker.onmessageerror = () => this.crash('a message from the worker could not be read');
    this.worker = worker;
    return worker;
  }

  private crash(detail: string): void {
    const error = new EngineError('worker_crashed', detail);
    this.restart('worker_crashed', detail);
    this.emit({ type: 'crashed', error: error.toInfo() });
  }

  private dispatch(event: WorkerEvent): void {
    switch (event.type) {
      case 'ready':
        return;
      case 'fatal':
        this.emit({ type: 'fatal', error: event.error });
        return;
      case 'progress':
        this.pending.get(event.id)?.onProgress?.(event.progress);
        return;
      case 'token':
        this.pending.get(event.id)?.onToken?.(event.text);
        return;
      case 'result':
        this.settle(event.id)?.resolve(event.value);
        return;
      case 'error':
        this.settle(event.id)?.reject(EngineError.fromInfo(event.error));
        return;
    }
  }

  private settle(id: number): Pending | undefined {
    const p = this.pending.get(id);
    this.pending.delete(id);
    return p;
  }

  private failAll(error: EngineError): void {
    const all = [...this.pending.values()];
    this.pending.clear();
    for (const p of all) p.reject(error);
  }

  private emit(e: EngineStatusEvent): void {
    for (const l of this.listeners) l(e);
  }
}

export function createBrowserEngine(): EngineClient {
  return new EngineClient(
    () =>
      new Worker(new URL('./worker.ts', import.meta.url), {
        type: 'module',
        name: 'lfm2-engine',
      }) as unknown as WorkerLike,
  );
}
