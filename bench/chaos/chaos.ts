import { execFileSync } from 'node:child_process';
import net from 'node:net';
import { createIntegrator, chaosReferenceData } from './integrator';
import { masterDataReachedErp, startChaosInstallation, type ChaosInstallation } from './installation';
import { countOutcomes, failures, type ChaosCounts } from './verdict';

export interface ChaosOptions {
  /** short: inside `npm test`, cuts only its own broker connections. full: also stops and starts the broker. */
  mode: 'short' | 'full';
  /** At least this many orders; traffic goes on until every fault kind was injected `faultCycles` times too. */
  orders: number;
  /** Times the whole list of faults is gone through. */
  faultCycles: number;
  /** Orders in flight at once. */
  concurrency: number;
  /** Pause between two faults. */
  faultEveryMs: number;
  /** Pause between two events of one order. */
  paceMs: number;
  amqpUrl: string;
  /** How long the run may take to settle after the traffic, before what is missing counts as lost. */
  settleTimeoutMs: number;
  log: (line: string) => void;
}

export interface ChaosReport extends ChaosCounts {
  mode: 'short' | 'full';
  date: string;
  seconds: number;
  faults: Record<string, number>;
  integrator_resends: number;
  failures: string[];
  details: string[];
  logs: string;
}

/** The short mode, as `npm run chaos` and `npm test` run it: about a minute of traffic under a fault every 3 s. */
export const SHORT_MODE = (amqpUrl: string, log: (line: string) => void): ChaosOptions => ({
  mode: 'short',
  orders: 40,
  faultCycles: 2,
  concurrency: 6,
  paceMs: 250,
  faultEveryMs: 1500,
  settleTimeoutMs: 120_000,
  amqpUrl,
  log,
});

type Fault = (chaos: ChaosInstallation, round: number) => Promise<void>;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Faults, applied in turn on a schedule while traffic flows. */
function faultsFor(mode: 'short' | 'full', amqpUrl: string): Record<string, Fault> {
  const restart = async (process: { kill(): Promise<void>; start(): Promise<void> }) => {
    await process.kill();
    await sleep(500);
    await process.start();
  };
  const faults: Record<string, Fault> = {
    worker_killed: (chaos, round) => restart(chaos.workers[round % chaos.workers.length]!),
    broker_link_cut: async (chaos) => {
      chaos.proxy.cut(3000);
      await sleep(3000);
    },
    gateway_killed: (chaos, round) => restart(chaos.gateways[round % chaos.gateways.length]!),
    erp_outage: async (chaos) => {
      await fetch(`${chaos.urls.erp}/admin/faults`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ outageMs: 3000 }),
      });
      await sleep(3000);
    },
    reference_systems_killed: (chaos) => restart(chaos.systems),
  };
  if (mode === 'full') faults.broker_restarted = () => restartBrokerApp(amqpUrl);
  return faults;
}

/**
 * Drives orders of every message type through separate gateway and worker processes while, on a schedule, they are
 * SIGKILLed and restarted, the broker link is cut, ERP has an outage and the reference systems are killed (and, in
 * full mode, the broker application is stopped and started); the integrator resends on every error. Then counts,
 * from the store and ERP's journal, what was lost, applied twice, posted twice or posted out of sequence.
 */
export async function runChaos(options: ChaosOptions): Promise<ChaosReport> {
  const started = Date.now();
  const chaos = await startChaosInstallation({ amqpUrl: options.amqpUrl, gateways: 2, workers: 2 });
  options.log(`chaos ${options.mode} ${chaos.runId}: ${options.orders} orders, logs in ${chaos.dir}`);
  const integrator = createIntegrator({
    gateways: chaos.urls.gateways,
    apiKey: chaos.apiKey,
    qmsUrl: chaos.urls.qms,
    runId: chaos.runId,
    paceMs: options.paceMs,
  });
  const injected: Record<string, number> = {};
  let keepFiles = true;
  try {
    await integrator.reference();
    await masterDataReachedErp(chaos.urls.erp, chaosReferenceData().lots, 60_000);

    let faultsDone = false;
    const schedule = (async () => {
      const faults = Object.entries(faultsFor(options.mode, options.amqpUrl));
      for (let round = 0; round < faults.length * options.faultCycles; round++) {
        await sleep(options.faultEveryMs);
        const [name, fault] = faults[round % faults.length]!;
        options.log(`fault ${round + 1}/${faults.length * options.faultCycles}: ${name}`);
        await fault(chaos, Math.floor(round / faults.length));
        injected[name] = (injected[name] ?? 0) + 1;
      }
      faultsDone = true;
    })();

    const orders: { plant: string; orderNumber: string }[] = [];
    let nextOrder = 0;
    const progress = setInterval(
      () =>
        options.log(
          `${orders.length} orders done, ${integrator.answered.length} events answered, ${integrator.errors} resends`,
        ),
      10_000,
    );
    await Promise.all([
      schedule,
      ...Array.from({ length: options.concurrency }, async () => {
        while (nextOrder < options.orders || !faultsDone) {
          const index = nextOrder++;
          orders.push(await integrator.runOrder(index, index % 5 === 0));
        }
      }),
    ]);
    clearInterval(progress);
    options.log(`traffic done: ${integrator.answered.length} events answered; settling`);

    const counts = await settle(chaos, integrator.answered, orders, options);
    const report: ChaosReport = {
      mode: options.mode,
      date: new Date().toISOString(),
      seconds: Math.round((Date.now() - started) / 1000),
      ...counts,
      faults: {
        ...injected,
        processes_killed: [...chaos.gateways, ...chaos.workers, chaos.systems].reduce((n, p) => n + p.kills, 0),
      },
      integrator_resends: integrator.errors,
      failures: [...failures(counts), ...tooFewFaults(options.mode, injected, counts.transactions)],
      details: counts.details.slice(0, 50),
      logs: chaos.dir,
    };
    keepFiles = report.failures.length > 0;
    return report;
  } finally {
    await chaos.teardown(keepFiles);
  }
}

/**
 * A run proves something only if the faults happened: every kind at least twice in short mode; in full mode at least
 * 10 broker restarts, 10 process kills and 20,000 events.
 */
function tooFewFaults(mode: 'short' | 'full', injected: Record<string, number>, transactions: number): string[] {
  const missing = Object.keys(faultsFor(mode, '')).filter(
    (name) => (injected[name] ?? 0) < (mode === 'full' ? (name === 'broker_restarted' ? 10 : 2) : 2),
  );
  const kills =
    (injected.worker_killed ?? 0) + (injected.gateway_killed ?? 0) + (injected.reference_systems_killed ?? 0);
  return [
    ...missing.map((name) => `too few ${name} faults (${injected[name] ?? 0})`),
    ...(mode === 'full' && kills < 10 ? [`only ${kills} processes killed`] : []),
    ...(mode === 'full' && transactions < 20_000 ? [`only ${transactions} events`] : []),
  ];
}

/** Waits until every order finished (or the deadline), then counts. */
async function settle(
  chaos: ChaosInstallation,
  answered: Parameters<typeof countOutcomes>[2],
  orders: { plant: string; orderNumber: string }[],
  options: ChaosOptions,
) {
  const deadline = Date.now() + options.settleTimeoutMs;
  for (;;) {
    const counts = await countOutcomes(chaos.sqliteFile, chaos.urls.erp, answered, orders);
    if (counts.orders_unfinished === 0 || Date.now() > deadline) return counts;
    await sleep(1000);
  }
}

/** Stops and starts the RabbitMQ application (full mode only: it takes the broker away from everyone on it). */
async function restartBrokerApp(amqpUrl: string): Promise<void> {
  execFileSync('rabbitmqctl', ['stop_app'], { stdio: 'ignore' });
  await sleep(2000);
  execFileSync('rabbitmqctl', ['start_app'], { stdio: 'ignore' });
  const { hostname, port } = new URL(amqpUrl);
  for (let i = 0; i < 120; i++) {
    if (await answers(hostname, Number(port || 5672))) return;
    await sleep(500);
  }
  throw new Error('RabbitMQ did not come back within a minute');
}

function answers(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect(port, host, () => {
      socket.destroy();
      resolve(true);
    });
    socket.on('error', () => resolve(false));
  });
}
