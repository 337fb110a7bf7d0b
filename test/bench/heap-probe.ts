import type { RoleProcess } from '../support/processes.ts';

/** The flag a role is started with so that `connectHeapProbe` can reach it: an inspector on loopback, any free port. */
export const heapProbeFlag = '--inspect=127.0.0.1:0';

export interface HeapFigures {
  /** Bytes of live JavaScript objects (V8 `usedSize`). */
  usedBytes: number;
  /** Bytes V8 holds for its heap (`totalSize`). */
  totalBytes: number;
}

/** A child process's V8 inspector, for the two things the soak asks of it. */
export interface HeapProbe {
  /** A full garbage collection: afterwards the heap holds what is still reachable, and nothing else. */
  collectGarbage(): Promise<void>;
  heap(): Promise<HeapFigures>;
  close(): void;
}

/**
 * Connects to the inspector of a role started with `heapProbeFlag` (Node prints its address on
 * standard error before running any code). Only `HeapProfiler.collectGarbage` and
 * `Runtime.getHeapUsage` are sent: no debugger domain is enabled, so the process runs as fast as
 * without the inspector.
 */
export async function connectHeapProbe(role: RoleProcess, timeoutMs = 10_000): Promise<HeapProbe> {
  const address = await inspectorAddress(role, timeoutMs);
  const socket = new WebSocket(address);
  await new Promise<void>((resolve, reject) => {
    socket.addEventListener('open', () => resolve(), { once: true });
    socket.addEventListener('error', () => reject(new Error(`${role.name}: no inspector at ${address}`)), {
      once: true,
    });
  });
  let nextId = 1;
  const waiting = new Map<number, { resolve: (result: unknown) => void; reject: (error: Error) => void }>();
  socket.addEventListener('message', (event) => {
    const message = JSON.parse(String(event.data)) as { id?: number; result?: unknown; error?: { message: string } };
    const waiter = message.id === undefined ? undefined : waiting.get(message.id);
    if (waiter === undefined || message.id === undefined) return;
    waiting.delete(message.id);
    if (message.error === undefined) waiter.resolve(message.result);
    else waiter.reject(new Error(`${role.name}: inspector: ${message.error.message}`));
  });
  socket.addEventListener('close', () => {
    for (const waiter of waiting.values()) waiter.reject(new Error(`${role.name}: inspector connection closed`));
    waiting.clear();
  });
  const call = (method: string) =>
    new Promise<unknown>((resolve, reject) => {
      const id = nextId++;
      waiting.set(id, { resolve, reject });
      socket.send(JSON.stringify({ id, method }));
    });
  return {
    async collectGarbage() {
      await call('HeapProfiler.collectGarbage');
    },
    async heap() {
      const usage = (await call('Runtime.getHeapUsage')) as { usedSize: number; totalSize: number };
      return { usedBytes: usage.usedSize, totalBytes: usage.totalSize };
    },
    close: () => socket.close(),
  };
}

function inspectorAddress(role: RoleProcess, timeoutMs: number): Promise<string> {
  const pattern = /Debugger listening on (ws:\/\/\S+)/;
  return new Promise((resolve, reject) => {
    const stderr = role.child.stderr;
    const check = () => {
      const match = pattern.exec(role.stderr());
      if (match?.[1] === undefined) return;
      cleanup();
      resolve(match[1]);
    };
    const timer = setTimeout(() => {
      cleanup();
      reject(
        new Error(
          `${role.name} printed no inspector address within ${timeoutMs} ms (started without ${heapProbeFlag}?)`,
        ),
      );
    }, timeoutMs);
    const cleanup = () => {
      clearTimeout(timer);
      stderr?.off('data', check);
    };
    stderr?.on('data', check);
    check();
  });
}
