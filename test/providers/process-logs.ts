import type { RoleProcess } from '../support/processes.ts';

/** One pino JSON line a child process wrote to standard error. */
export type LogLine = Record<string, unknown> & { msg: string };

export interface ProcessLogs {
  readonly lines: readonly LogLine[];
  /** Resolves with the first line (already written or still to come) that `matches`. */
  waitFor(matches: (line: LogLine) => boolean, timeoutMs?: number): Promise<LogLine>;
}

/** Collects a child's JSON log lines from standard error as they arrive. */
export function watchLogs(role: RoleProcess): ProcessLogs {
  const lines: LogLine[] = [];
  const waiters = new Set<() => void>();
  let partial = '';
  role.child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
    const text = partial + chunk;
    const complete = text.split('\n');
    partial = complete.pop() ?? '';
    for (const line of complete) {
      if (!line.startsWith('{')) continue;
      lines.push(JSON.parse(line) as LogLine);
    }
    for (const waiter of waiters) waiter();
  });
  return {
    lines,
    waitFor(matches, timeoutMs = 30_000) {
      return new Promise((resolve, reject) => {
        const check = () => {
          const found = lines.find(matches);
          if (found === undefined) return;
          cleanup();
          resolve(found);
        };
        const timer = setTimeout(() => {
          cleanup();
          reject(new Error(`${role.name} logged no matching line within ${timeoutMs} ms\n${role.output()}`));
        }, timeoutMs);
        const cleanup = () => {
          clearTimeout(timer);
          waiters.delete(check);
        };
        waiters.add(check);
        check();
      });
    },
  };
}
