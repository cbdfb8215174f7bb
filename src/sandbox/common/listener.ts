/**
 * listen()/close() for a sandbox's Koa app. Shared so every sandbox shuts down in the same order:
 * held fault requests first (or the server would wait on them), then queued webhooks (so tests see every
 * delivery), then the server with its keep-alive connections.
 */
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type Koa from 'koa';

/** What the listener needs from a sandbox's state. */
export interface ListenerState {
  baseUrl(): string;
  setBaseUrl(url: string): void;
  readonly faults: { release(): void };
  readonly webhooks: { idle(): Promise<void> };
}

export interface SandboxListener {
  /** Starts listening (default port 0 on 127.0.0.1) and resolves with the base URL, e.g. http://127.0.0.1:4010. */
  listen(port?: number, host?: string): Promise<string>;
  /** Releases held (timeout-fault) requests, waits for queued webhooks, closes every connection. */
  close(): Promise<void>;
}

/** What every sandbox hands back: its app (usable without listening), keys and state, plus listen()/close(). */
export interface SandboxHandle<S> extends SandboxListener {
  readonly app: Koa;
  readonly apiKey: string;
  readonly webhookSecret: string;
  /** State and control functions, the same the control API uses. */
  readonly state: S;
}

/** Binds listen()/close() to `app`; the base URL is set on `state` once the port is known. */
export function createSandboxListener(app: Koa, state: ListenerState): SandboxListener {
  let server: Server | undefined;
  return {
    listen(port = 0, host = '127.0.0.1') {
      return new Promise<string>((resolve, reject) => {
        const s = app.listen(port, host);
        s.once('error', reject);
        s.once('listening', () => {
          server = s;
          const { port: bound } = s.address() as AddressInfo;
          // An IPv6 literal needs brackets in a URL.
          state.setBaseUrl(`http://${host.includes(':') ? `[${host}]` : host}:${bound}`);
          resolve(state.baseUrl());
        });
      });
    },
    async close() {
      state.faults.release();
      await state.webhooks.idle();
      const s = server;
      server = undefined;
      if (!s) return;
      await new Promise<void>((resolve) => {
        s.close(() => resolve());
        s.closeAllConnections();
      });
    },
  };
}
