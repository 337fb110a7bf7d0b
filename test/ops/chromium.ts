import { existsSync } from 'node:fs';
import type { LaunchOptions } from 'playwright-core';

/** Debian's Chromium (`apt-get install chromium`; `.ci/run` installs it when missing). */
export const chromiumPath = ['/usr/bin/chromium', '/usr/bin/chromium-browser'].find((path) => existsSync(path));

/** Headless, and quiet: no sandbox (root in CI), no GPU, and no call home of any kind. */
export function launchOptions(): LaunchOptions {
  if (chromiumPath === undefined)
    throw new Error('Chromium is not installed: apt-get install chromium (the browser tests need /usr/bin/chromium)');
  return {
    executablePath: chromiumPath,
    headless: true,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  };
}
