/**
 * SIGINT/SIGTERM handling for every command. A command that serves until stopped waits on
 * `stopRequested()` and shuts down in order; at any other moment (start-up, the demo, a second
 * signal during a slow shutdown) a signal exits at once with the conventional code, which still
 * runs `process.on('exit')` handlers — that is what stops a Redis the CLI started itself.
 */
let graceful: (() => void) | undefined;
let installed = false;

/** Installs the handlers once per process; every entry point calls it, the first call wins. */
export function installSignalHandlers(): void {
  if (installed) return;
  installed = true;
  for (const [signal, code] of [
    ['SIGINT', 130],
    ['SIGTERM', 143],
  ] as const) {
    process.on(signal, () => {
      const stop = graceful;
      graceful = undefined;
      if (stop === undefined) process.exit(code);
      else stop();
    });
  }
}

/** Resolves on the first SIGINT or SIGTERM after this call. */
export function stopRequested(): Promise<void> {
  return new Promise((resolve) => {
    graceful = resolve;
  });
}

/** Serves until SIGINT/SIGTERM, then shuts `running` down in its own order. */
export async function serveUntilStopped(
  running: { close(): Promise<void> },
  say: (line: string) => void,
): Promise<void> {
  await stopRequested();
  say('Stopping...');
  await running.close();
}

/** A line for the person who started the process (the logs go to their own stream). */
export function printLine(line: string): void {
  process.stdout.write(`${line}\n`);
}
