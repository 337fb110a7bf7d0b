import type { BatchStatus } from './api-client.ts';

const width = 30;

/**
 * Draws batch progress on one line of a terminal; on a pipe or log file (no TTY) prints a
 * line per 10 % instead of carriage-return redraws.
 */
export function createProgressBar(stream: NodeJS.WriteStream) {
  let lastDecile = -1;
  return {
    update(status: BatchStatus) {
      const done = status.counts.completed + status.counts.failed;
      const share = status.total === 0 ? 1 : done / status.total;
      const filled = Math.round(share * width);
      const bar = `${'#'.repeat(filled)}${'-'.repeat(width - filled)}`;
      const counts = `${status.counts.failed} failed, ${status.counts.running} running`;
      const line = `[${bar}] ${done}/${status.total} done (${counts})`;
      if (stream.isTTY) {
        // `\x1b[K` clears what a longer previous line left behind.
        stream.write(`\r${line}\x1b[K`);
        return;
      }
      const decile = Math.floor(share * 10);
      if (decile !== lastDecile) {
        lastDecile = decile;
        stream.write(`${line}\n`);
      }
    },
    finish() {
      if (stream.isTTY) stream.write('\n');
    },
  };
}
