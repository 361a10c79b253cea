import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';

const ROOT = path.resolve(__dirname, '..', '..');

export interface PlantgateProcess {
  child: ChildProcess;
  output: () => { stdout: string; stderr: string };
  /** Resolves with the exit code (or the signal's name) once the process has ended. */
  exited: Promise<number | string>;
}

/** Runs `app/main.ts <role>` as its own OS process, exactly as `npm run <role>` does, with the given environment. */
export function spawnPlantgate(role: string, env: Record<string, string>): PlantgateProcess {
  return spawnEntry(path.join('app', 'main.ts'), [role], env);
}

/** Runs a TypeScript entry point (relative to the project root) as its own OS process. */
export function spawnEntry(entry: string, args: string[], env: Record<string, string>): PlantgateProcess {
  const child = spawn(process.execPath, ['-r', 'ts-node/register/transpile-only', path.join(ROOT, entry), ...args], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<number | string>((resolve) =>
    child.on('exit', (code, signal) => resolve(code ?? signal ?? -1)),
  );
  return { child, output: () => ({ stdout, stderr }), exited };
}

/** Waits until the process printed its start line, or fails with what it printed. */
export async function waitForStart(proc: PlantgateProcess, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!proc.output().stdout.includes('Plantgate ')) {
    if (proc.child.exitCode !== null || Date.now() > deadline) {
      throw new Error(`process did not start: ${JSON.stringify(proc.output())}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
