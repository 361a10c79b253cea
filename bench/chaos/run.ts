import fs from 'node:fs';
import path from 'node:path';
import { runChaos, SHORT_MODE, type ChaosReport } from './chaos';
import { pruneLeftoverTopologies } from './leftovers';
import { runSoak } from './soak';

/**
 * `npm run chaos` (short), `npm run chaos -- --full` (several minutes, run alone: it restarts the broker application),
 * `npm run chaos -- --soak MINUTES`. Exits non-zero when anything accepted was lost, applied or posted twice, or
 * posted out of sequence (or, soaking, when memory grew).
 */
async function main() {
  const args = process.argv.slice(2);
  const amqpUrl = process.env.AMQP_URL ?? 'amqp://guest:guest@127.0.0.1:5672';
  const log = (line: string) => console.log(`[${new Date().toISOString().slice(11, 19)}] ${line}`);
  const soak = args.indexOf('--soak');
  if (soak >= 0) {
    const minutes = Number(args[soak + 1] ?? 10);
    const result = await runSoak({ amqpUrl, minutes, log });
    console.log(JSON.stringify(result, null, 2));
    process.exit(result.failures.length ? 1 : 0);
  }
  const full = args.includes('--full');
  if (full) await pruneLeftoverTopologies(amqpUrl, log);
  const report = await runChaos(
    full
      ? {
          mode: 'full',
          orders: 1300,
          faultCycles: 10,
          concurrency: 16,
          paceMs: 250,
          faultEveryMs: 3000,
          settleTimeoutMs: 600_000,
          amqpUrl,
          log,
        }
      : SHORT_MODE(amqpUrl, log),
  );
  print(report);
  if (full) {
    const file = path.join(__dirname, '..', 'results', 'chaos.json');
    fs.writeFileSync(file, `${JSON.stringify(report, null, 2)}\n`);
    log(`wrote ${path.relative(process.cwd(), file)}`);
  }
  process.exit(report.failures.length ? 1 : 0);
}

function print(report: ChaosReport) {
  const { details, ...counts } = report;
  console.log(JSON.stringify(counts, null, 2));
  for (const line of details) console.log(`  ${line}`);
  console.log(
    report.failures.length
      ? `FAILED: ${report.failures.join('; ')}`
      : 'PASSED: nothing lost, nothing applied or posted twice, every order in sequence',
  );
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
