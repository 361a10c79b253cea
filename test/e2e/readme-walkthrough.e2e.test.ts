import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createTestInstallation, type TestInstallation } from '../support/harness';
import { waitFor } from '../support/wait';
import { writeRulesFile } from '../support/rules-file';

const README = path.resolve(__dirname, '..', '..', 'README.md');
// Asynchronous: the Plantgate under test answers curl from this very process.
const exec = promisify(execFile);

interface Step {
  command: string;
  /** The answer the README shows, where … stands for anything (IDs, times). */
  expected: string;
}

/** The text of the README's code block that opens with ```<marker>. */
function readmeBlock(marker: string): string {
  const block = new RegExp('```' + marker + '\\n([\\s\\S]*?)```').exec(fs.readFileSync(README, 'utf8'));
  if (!block) throw new Error(`the README has no \`\`\`${marker} block`);
  return block[1]!;
}

/** The commands of a README walkthrough (code blocks marked `sh <marker>`) with the answers it documents. */
function walkthroughSteps(marker = 'walkthrough'): Step[] {
  const blocks = [
    ...fs.readFileSync(README, 'utf8').matchAll(new RegExp('```sh ' + marker + '\\n([\\s\\S]*?)```', 'g')),
  ].map((m) => m[1]!);
  const steps: Step[] = [];
  for (const line of blocks.flatMap((b) => b.split('\n'))) {
    if (line.startsWith('curl ') || /^[A-Z_]+=\$\(curl /.test(line)) steps.push({ command: line, expected: '' });
    else if (line.startsWith('# → ')) steps.at(-1)!.expected = line.slice(4);
  }
  return steps;
}

const pattern = (expected: string) =>
  new RegExp(
    `^${expected
      .split('…')
      .map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
      .join('.*?')}$`,
  );

/**
 * Runs the README's walkthrough as written, with bash and curl, against a running Plantgate with its embedded
 * reference systems: every documented answer must be what Plantgate answers, so the walkthrough cannot go stale.
 */
describe("the README's walkthrough", () => {
  let installation: TestInstallation;
  let runtime: Awaited<ReturnType<TestInstallation['start']>>;
  let rules: { file: string; remove: () => void };
  afterAll(async () => {
    await installation.cleanup();
    rules.remove();
  });

  /**
   * Runs steps as written. After a mutation that answers a correlation ID, waits until a worker decided it (into one of
   * `decided`): a person typing the next command is slower than a worker. A query may show what the workers and ERP
   * are still doing: it is asked again until it shows what the README says.
   */
  async function runSteps(steps: Step[], decided: string[], env: Record<string, string> = {}) {
    // What `NAME=$(curl …)` lines captured, for the lines after them, as a shell keeps it.
    const captured: Record<string, string> = {};
    for (const step of steps) {
      expect(step.expected, `the README shows the answer to: ${step.command.slice(0, 120)}`).not.toBe('');
      const capture = /^([A-Z_]+)=\$\(/.exec(step.command)?.[1];
      const run = async () =>
        (
          await exec('bash', ['-c', capture ? `${step.command}; printf '${capture}=%s' "$${capture}"` : step.command], {
            env: { ...process.env, ...env, ...captured, PG: runtime.url! },
            encoding: 'utf8',
            timeout: 10_000,
          })
        ).stdout.trim();
      if (capture) {
        const answer = await run();
        expect(answer).toMatch(pattern(step.expected));
        captured[capture] = answer.slice(capture.length + 1);
      } else if (step.command.includes('"mutation')) {
        const answer = await run();
        expect(answer).toMatch(pattern(step.expected));
        const correlationId = /"correlationId":"([^"]+)","status":"ACCEPTED"/.exec(answer)?.[1];
        if (!correlationId) continue;
        await waitFor(async () => decided.includes((await runtime.store.getTransaction(correlationId))?.status ?? ''), {
          what: `${correlationId} decided (${decided.join(' or ')})`,
        });
      } else {
        let last = '';
        await waitFor(async () => pattern(step.expected).test((last = await run())) || undefined, {
          what: `the answer the README shows: ${step.expected} (Plantgate answers ${last})`,
          timeoutMs: 30_000,
        });
      }
    }
  }

  it('runs as written, from reference data to FINANCIALLY_POSTED, with the answers it shows', async () => {
    // With the rules file the README's reconciliation example asks for, as a reader trying it would start Plantgate.
    rules = writeRulesFile(JSON.parse(readmeBlock('json reconciliation-rules')) as object);
    installation = createTestInstallation('walkthrough', { SIMULATORS: 'embedded', RULES_FILE: rules.file });
    runtime = await installation.start('all');
    const steps = walkthroughSteps();
    expect(steps.length).toBeGreaterThan(12);
    expect(fs.readFileSync(README, 'utf8')).toContain('PG=${PG:-http://localhost:4000}');
    await runSteps(steps, ['APPLIED', 'POSTED']);
  }, 120_000);

  it('walks one exception from refusal to resolution in the workbench, as written', async () => {
    const steps = walkthroughSteps('workbench-walkthrough');
    expect(steps.length).toBeGreaterThan(8);
    await runSteps(steps, ['APPLIED', 'POSTED', 'QUARANTINED']);
  }, 120_000);

  it('finds a lot recounted in ERP, corrects it on approval and closes the drift, as the worked example shows', async () => {
    const steps = walkthroughSteps('reconciliation-walkthrough');
    expect(steps.length).toBeGreaterThan(7);
    await runSteps(steps, ['APPLIED', 'POSTED'], { ERP: runtime.endpoints.erp!.url });
  }, 120_000);
});
