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

/**
 * Serves until SIGINT/SIGTERM, then shuts `running` down in its own order within `deadlineMs`
 * (`shutdown.deadlineMs`): `close` gets the deadline to share out (workers finish or hand back
 * their jobs in it), and one second past it the process stops waiting for whatever still hangs.
 */
export async function serveUntilStopped(
  running: { close(deadlineMs: number): Promise<void> },
  say: (line: string) => void,
  deadlineMs = Number.POSITIVE_INFINITY,
): Promise<void> {
  await stopRequested();
  say('Stopping...');
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<'late'>((resolve) => {
    if (Number.isFinite(deadlineMs)) timer = setTimeout(() => resolve('late'), deadlineMs + 1_000);
  });
  const outcome = await Promise.race([running.close(deadlineMs).then(() => 'closed' as const), late]);
  clearTimeout(timer);
  if (outcome === 'late') say(`Stopped after the shutdown deadline (${deadlineMs} ms) with work still closing`);
}

/** A line for the person who started the process (the logs go to their own stream). */
export function printLine(line: string): void {
  process.stdout.write(`${line}\n`);
}
