import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

const ROOT = path.resolve(__dirname, '..', '..');

/** A process of the chaos run: started, killed outright and started again on the same settings (and ports). */
export interface ManagedProcess {
  readonly name: string;
  readonly pid: number | null;
  /** Times it was killed outright (SIGKILL). */
  readonly kills: number;
  start(): Promise<void>;
  /** SIGKILL, as a crash or a pulled plug would end it; resolves once it is gone. */
  kill(): Promise<void>;
  /** SIGTERM and wait: a graceful stop. */
  stop(): Promise<void>;
}

/**
 * Runs a TypeScript entry point as its own process, its output appended to `logFile`, ready once a line matches
 * `ready`. Each start is a new process with the same environment.
 */
export function managedProcess(options: {
  name: string;
  entry: string;
  args: string[];
  env: Record<string, string>;
  logFile: string;
  ready: RegExp;
  startTimeoutMs?: number;
}): ManagedProcess {
  let child: ChildProcess | null = null;
  let kills = 0;
  const log = fs.createWriteStream(options.logFile, { flags: 'a' });

  const exited = (proc: ChildProcess) =>
    proc.exitCode !== null || proc.signalCode !== null
      ? Promise.resolve()
      : new Promise<void>((resolve) => proc.once('exit', () => resolve()));

  return {
    name: options.name,
    get pid() {
      return child?.pid ?? null;
    },
    get kills() {
      return kills;
    },
    async start() {
      const proc = spawn(
        process.execPath,
        ['-r', 'ts-node/register/transpile-only', path.join(ROOT, options.entry), ...options.args],
        {
          cwd: ROOT,
          env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...options.env },
          stdio: ['ignore', 'pipe', 'pipe'],
        },
      );
      child = proc;
      log.write(`\n--- ${new Date().toISOString()} start ${options.name} pid ${proc.pid}\n`);
      proc.stderr!.pipe(log, { end: false });
      let seen = '';
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(
          () =>
            reject(
              new Error(
                `${options.name} did not start within ${options.startTimeoutMs ?? 120_000} ms; see ${options.logFile}`,
              ),
            ),
          options.startTimeoutMs ?? 120_000,
        );
        proc.stdout!.on('data', (chunk: Buffer) => {
          log.write(chunk);
          seen += chunk.toString();
          if (options.ready.test(seen)) {
            clearTimeout(timer);
            resolve();
          }
        });
        proc.once('exit', (code, signal) => {
          clearTimeout(timer);
          reject(new Error(`${options.name} exited (${code ?? signal}) before it was ready; see ${options.logFile}`));
        });
      });
      // After start, stdout keeps going to the log.
      proc.stdout!.removeAllListeners('data');
      proc.stdout!.pipe(log, { end: false });
    },
    async kill() {
      if (!child) return;
      const proc = child;
      kills += 1;
      log.write(`\n--- ${new Date().toISOString()} SIGKILL ${options.name}\n`);
      proc.kill('SIGKILL');
      await exited(proc);
    },
    async stop() {
      if (!child) return;
      const proc = child;
      proc.kill('SIGTERM');
      await exited(proc);
      log.end();
    },
  };
}
