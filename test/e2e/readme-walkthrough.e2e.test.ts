import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createTestInstallation, type TestInstallation } from '../support/harness';
import { waitFor } from '../support/wait';

const README = path.resolve(__dirname, '..', '..', 'README.md');
// Asynchronous: the Plantgate under test answers curl from this very process.
const exec = promisify(execFile);

interface Step {
  command: string;
  /** The answer the README shows, where … stands for anything (IDs, times). */
  expected: string;
}

/** The commands of the README's walkthrough (code blocks marked `sh walkthrough`) with the answers it documents. */
function walkthroughSteps(): Step[] {
  const blocks = [...fs.readFileSync(README, 'utf8').matchAll(/```sh walkthrough\n([\s\S]*?)```/g)].map((m) => m[1]!);
  const steps: Step[] = [];
  for (const line of blocks.flatMap((b) => b.split('\n'))) {
    if (line.startsWith('curl ')) steps.push({ command: line, expected: '' });
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
  afterAll(() => installation.cleanup());

  it('runs as written, from reference data to FINANCIALLY_POSTED, with the answers it shows', async () => {
    installation = createTestInstallation('walkthrough', { SIMULATORS: 'embedded' });
    const runtime = await installation.start('all');
    const steps = walkthroughSteps();
    expect(steps.length).toBeGreaterThan(12);
    expect(fs.readFileSync(README, 'utf8')).toContain('PG=${PG:-http://localhost:4000}');

    for (const step of steps) {
      expect(step.expected, `the README shows the answer to: ${step.command.slice(0, 120)}`).not.toBe('');
      const run = async () =>
        (
          await exec('bash', ['-c', step.command], {
            env: { ...process.env, PG: runtime.url! },
            encoding: 'utf8',
            timeout: 10_000,
          })
        ).stdout.trim();
      if (step.command.includes('"mutation')) {
        const answer = await run();
        expect(answer).toMatch(pattern(step.expected));
        // A person typing the next command is slower than a worker: wait until this one took effect.
        const correlationId = /"correlationId":"([^"]+)"/.exec(answer)![1]!;
        await waitFor(
          async () => ['APPLIED', 'POSTED'].includes((await runtime.store.getTransaction(correlationId))?.status ?? ''),
          { what: `${correlationId} applied` },
        );
      } else {
        // A query may show what the workers and ERP are still doing: ask again until it shows what the README says.
        let last = '';
        await waitFor(async () => pattern(step.expected).test((last = await run())) || undefined, {
          what: `the answer the README shows: ${step.expected} (Plantgate answers ${last})`,
          timeoutMs: 30_000,
        });
      }
    }
  }, 120_000);
});
