import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export const repositoryRoot = fileURLToPath(new URL('../..', import.meta.url));
/** The `switchyard` command of this checkout, run with the current Node. */
export const cliPath = fileURLToPath(new URL('../../apps/cli/bin/switchyard.mjs', import.meta.url));

/**
 * How long a child may take to print what a test waits for. Generous: a child transpiles and
 * loads the whole stack first, and on a loaded 2-core machine that alone has taken over 30 s.
 */
const startTimeoutMs = 120_000;

export interface RoleProcess {
  name: string;
  child: ChildProcess;
  /** Everything the process wrote, for failure messages. */
  output(): string;
  /** Everything the process wrote to standard error (its log). */
  stderr(): string;
  /** Resolves with the first match of `pattern` in the process's standard output. */
  waitForLine(pattern: RegExp, timeoutMs?: number): Promise<RegExpMatchArray>;
  /** SIGTERM, then waits for the exit. */
  stop(): Promise<void>;
}

/** Starts `switchyard <args>` as a child process with the current Node (given `nodeFlags`, such as `--inspect`). */
export function startRole(
  name: string,
  args: string[],
  env: Record<string, string>,
  nodeFlags: readonly string[] = [],
): RoleProcess {
  return startNode(name, [...nodeFlags, cliPath, ...args], env);
}

/** Starts a TypeScript file of this repository as a child process with the current Node and tsx. */
export function startScript(name: string, script: string, args: string[], env: Record<string, string>): RoleProcess {
  return startNode(name, ['--import', 'tsx', script, ...args], env);
}

export function startNode(name: string, argv: string[], env: Record<string, string>): RoleProcess {
  const child = spawn(process.execPath, argv, {
    cwd: repositoryRoot,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout?.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const output = () => `--- ${name} stdout ---\n${stdout}\n--- ${name} stderr ---\n${stderr.slice(-4_000)}`;
  return {
    name,
    child,
    output,
    stderr: () => stderr,
    waitForLine(pattern, timeoutMs = startTimeoutMs) {
      return new Promise((resolve, reject) => {
        const check = () => {
          const match = pattern.exec(stdout);
          if (match) {
            cleanup();
            resolve(match);
          }
        };
        const onExit = () => {
          cleanup();
          reject(new Error(`${name} exited (code ${child.exitCode}) before printing ${pattern}\n${output()}`));
        };
        const timer = setTimeout(() => {
          cleanup();
          reject(new Error(`${name} did not print ${pattern} within ${timeoutMs} ms\n${output()}`));
        }, timeoutMs);
        const cleanup = () => {
          clearTimeout(timer);
          child.stdout?.off('data', check);
          child.off('exit', onExit);
        };
        child.stdout?.on('data', check);
        child.once('exit', onExit);
        check();
      });
    },
    stop() {
      return new Promise((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      });
    },
  };
}
