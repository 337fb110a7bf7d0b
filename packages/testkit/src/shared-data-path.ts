import { fileURLToPath } from 'node:url';

/**
 * A path inside the shared read-only data (`../shared/data` from the repository root), resolved
 * from this file so tests work from any working directory. The data is never copied into the
 * repository; readers fail naming the path when it is missing. Product code never calls this:
 * it takes the data directory as an argument.
 */
export function sharedDataPath(...segments: string[]): string {
  return fileURLToPath(new URL(['../../../../shared/data', ...segments].join('/'), import.meta.url));
}
