import fs from 'node:fs';
import { createIntegrator, chaosReferenceData } from './integrator';
import { masterDataReachedErp, startChaosInstallation } from './installation';

export interface SoakSample {
  minute: number;
  process: string;
  rssMb: number;
  eventLoopP99Ms: number;
  ordersDone: number;
}

/**
 * `npm run chaos -- --soak MINUTES`: steady traffic through a gateway and a worker process, sampling every minute
 * each one's resident memory (from /proc) and event-loop delay (p99, from its /metrics). Memory must stay flat:
 * after the first minutes (warm-up), no process may grow by more than 10 %.
 */
export async function runSoak(options: { amqpUrl: string; minutes: number; log: (line: string) => void }) {
  const chaos = await startChaosInstallation({ amqpUrl: options.amqpUrl, gateways: 1, workers: 1 });
  const integrator = createIntegrator({
    gateways: chaos.urls.gateways,
    apiKey: chaos.apiKey,
    qmsUrl: chaos.urls.qms,
    runId: chaos.runId,
    paceMs: 50,
  });
  const samples: SoakSample[] = [];
  let keep = true;
  try {
    await integrator.reference();
    await masterDataReachedErp(chaos.urls.erp, chaosReferenceData().lots, 60_000);
    const until = Date.now() + options.minutes * 60_000;
    let ordersDone = 0;
    let index = 0;
    const traffic = Promise.all(
      Array.from({ length: 4 }, async () => {
        while (Date.now() < until) {
          await integrator.runOrder(index++, index % 5 === 0);
          ordersDone += 1;
        }
      }),
    );
    const processes = [
      { name: 'gateway', pid: () => chaos.gateways[0]!.pid, metrics: chaos.urls.gateways[0]! },
      { name: 'worker', pid: () => chaos.workers[0]!.pid, metrics: chaos.urls.workerMetrics[0]! },
    ];
    for (let minute = 1; minute <= options.minutes; minute++) {
      await new Promise((resolve) => setTimeout(resolve, Math.max(0, Math.min(60_000, until - Date.now()))));
      for (const p of processes) {
        const sample = {
          minute,
          process: p.name,
          rssMb: rssMb(p.pid()),
          eventLoopP99Ms: await eventLoopP99Ms(p.metrics),
          ordersDone,
        };
        samples.push(sample);
        options.log(
          `minute ${minute}: ${p.name} RSS ${sample.rssMb} MB, event-loop delay p99 ${sample.eventLoopP99Ms} ms, ${ordersDone} orders done`,
        );
      }
    }
    await traffic;
    const failures = growth(samples, options.minutes);
    keep = failures.length > 0;
    return { minutes: options.minutes, ordersDone, samples, failures, logs: chaos.dir };
  } finally {
    await chaos.teardown(keep);
  }
}

/** Growth of each process's RSS from the end of warm-up (a third of the run, at least one minute) to the end. */
function growth(samples: SoakSample[], minutes: number): string[] {
  const warm = Math.max(1, Math.floor(minutes / 3));
  const failures: string[] = [];
  for (const name of new Set(samples.map((s) => s.process))) {
    const after = samples.find((s) => s.process === name && s.minute === warm)?.rssMb;
    const last = samples.filter((s) => s.process === name).at(-1)?.rssMb;
    if (after && last && last > after * 1.1)
      failures.push(`${name} RSS grew from ${after} MB (minute ${warm}) to ${last} MB`);
  }
  return failures;
}

function rssMb(pid: number | null): number {
  if (!pid) return 0;
  try {
    return (
      Math.round(Number(/VmRSS:\s+(\d+)/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0) / 102.4) / 10
    );
  } catch {
    return 0;
  }
}

async function eventLoopP99Ms(baseUrl: string): Promise<number> {
  try {
    const text = await (await fetch(`${baseUrl}/metrics`)).text();
    const value = /^nodejs_eventloop_lag_p99_seconds (\S+)$/m.exec(text)?.[1];
    return value ? Math.round(Number(value) * 10_000) / 10 : -1;
  } catch {
    return -1;
  }
}
