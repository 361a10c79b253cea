import { spawn } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

/** `npm run demo -- --orders N --faults F`, as a person runs it: its whole output and exit code. */
async function runDemo(
  orders: number,
  faults: 'light' | 'heavy',
  ...extra: string[]
): Promise<{ output: string; code: number | null }> {
  const root = path.resolve(__dirname, '..', '..');
  const args = ['-r', 'ts-node/register/transpile-only', 'app/demo/demo.ts', '--orders', String(orders)];
  const child = spawn(process.execPath, [...args, '--faults', faults, '--timeout', '90', ...extra], {
    cwd: root,
    env: { ...process.env, LOG_LEVEL: 'silent' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (c: Buffer) => (output += c.toString()));
  child.stderr.on('data', (c: Buffer) => (output += c.toString()));
  const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
  return { output, code };
}

describe('npm run demo', () => {
  it('runs the two-plant scenario at a small size with faults injected and ends with all integrity checks true', async () => {
    const { output, code } = await runDemo(6, 'heavy');
    expect(output, output).toContain('DEMO RESULT: PASS');
    expect(output).toMatch(/Orders by state: +\{/);
    // Of six orders ERP changed one, the floor completed one in two lots, and ERP cancelled one: each as intended.
    expect(output).toContain('Changes on the floor:   1 changed to version 2, 1 completed in two lots, 1 cancelled');
    expect(output).toContain(
      '"changedOrdersRanOnTheirNewVersion":true,"multiLotOrdersInTwoLots":true,"cancelledOrdersNotBooked":true',
    );
    expect(output).toMatch(
      /Integrity \(from ERP\): +no negative stock true; no receipt before quality release true; no posting applied twice true/,
    );
    // Faults were really injected and absorbed: the heavy profile opens with a burst of three 429s.
    expect(Number(/Faults injected: +ERP 429 (\d+)/.exec(output)?.[1])).toBeGreaterThanOrEqual(3);
    // It tells what happened: the outage as it was felt, and each exception with its order and reason.
    const outage = /ERP outage: +ERP refused calls for 3 s; postings went through again ([\d.]+) s after it began/.exec(
      output,
    );
    expect(outage, output).not.toBeNull();
    expect(Number(outage![1])).toBeGreaterThanOrEqual(3);
    const byType = JSON.parse(/Exceptions by type: +(\{.*\})/.exec(output)![1]!) as Record<string, number>;
    const listed = [...output.matchAll(/^ {2}([A-Z_]+) on (\S+) \(([a-z.-]+)\): (.+)$/gm)];
    expect(listed.length).toBe(
      Math.min(
        20,
        Object.values(byType).reduce((a, b) => a + b, 0),
      ),
    );
    expect(code).toBe(0);
  }, 120_000);

  it('ends a run with light faults with no integration exception that needs a person, and closes every drift (--drift)', async () => {
    const { output, code } = await runDemo(4, 'light', '--drift');
    expect(output, output).toContain('DEMO RESULT: PASS');
    expect(output, output).toMatch(/Needing a person: +0 integration exception\(s\) still OPEN or AWAITING_APPROVAL/);
    // Direct edits in ERP after the run: each found by reconciliation and closed after an approved correction.
    const drift =
      /Drift: +(\d+) direct edit\(s\) made in ERP; reconciliation found (\d+), closed (\d+) after approved corrections; 0 other/.exec(
        output,
      );
    expect(drift, output).not.toBeNull();
    expect(Number(drift![1])).toBeGreaterThanOrEqual(3);
    expect([drift![2], drift![3]]).toEqual([drift![1], drift![1]]);
    expect(output).toContain('"everyDriftFoundAndClosed":true');
    expect(code).toBe(0);
  }, 120_000);
});
