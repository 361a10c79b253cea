import fs from 'node:fs';
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';

const ROOT = path.resolve(__dirname, '..');

/** Starts a TypeScript entry point in its own process and resolves with the first line matching `ready`. */
export async function startProcess(
  entry: string,
  args: string[],
  env: Record<string, string>,
  ready: RegExp,
  nodeArgs: string[] = [],
): Promise<{ child: ChildProcess; match: RegExpExecArray; stop: () => Promise<void> }> {
  const child = spawn(
    process.execPath,
    [...nodeArgs, '-r', 'ts-node/register/transpile-only', path.join(ROOT, entry), ...args],
    { cwd: ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'inherit'] },
  );
  const match = await new Promise<RegExpExecArray>((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const m = ready.exec(out);
      if (m) resolve(m);
    });
    child.once('exit', (code) =>
      reject(new Error(`${entry} exited with ${code} before it was ready: ${out.slice(-500)}`)),
    );
  });
  return {
    child,
    match,
    stop: async () => {
      if (child.exitCode !== null) return;
      child.kill('SIGTERM');
      await new Promise((resolve) => child.once('exit', resolve));
    },
  };
}

export interface LoadResult {
  requests: number;
  rps: number;
  non2xx: number;
  errors: number;
  latencyP50: number;
  latencyP99: number;
}

/** Runs the load generator process against `url`. */
/** What the load generator process is told: `argv[2]` of bench/load/load.runner.ts, as JSON. */
export interface LoadOptions {
  url: string;
  kind: 'release' | 'bare' | 'read' | 'read-local';
  connections: number;
  seconds: number;
  rate?: number;
  prefix: string;
  authorization?: string;
  /** Releases for this plant only (P1 and P2 in turn otherwise). */
  plant?: string;
}

export async function runLoad(options: LoadOptions): Promise<LoadResult> {
  const child = spawn(
    process.execPath,
    [
      '-r',
      'ts-node/register/transpile-only',
      path.join(ROOT, 'bench', 'load', 'load.runner.ts'),
      JSON.stringify(options),
    ],
    { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] },
  );
  let out = '';
  child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  if (code !== 0) throw new Error(`load generator failed (${code}): ${out}`);
  return JSON.parse(out.trim().split('\n').at(-1)!) as LoadResult;
}

/** BENCH_NODE_ARGS, e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof", to profile the workers of a run. */
export function benchNodeArgs(): string[] {
  return (process.env.BENCH_NODE_ARGS ?? '').split(' ').filter(Boolean);
}

/** User plus system CPU time a process has used so far, from /proc (Linux), in milliseconds. */
export function cpuTimeMs(pid: number): number {
  try {
    const fields = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    // utime and stime are fields 14 and 15 of the whole line: 12 and 13 after the command name.
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100;
  } catch {
    return 0;
  }
}
