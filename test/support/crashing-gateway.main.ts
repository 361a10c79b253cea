import { loadConfig } from '../../app/config';
import { startRuntime } from '../../app/runtime';
import type { Envelope } from '../../core/intake/envelope';

/**
 * The test build's gateway: `app/main.ts gateway`, plus an intake hook that SIGKILLs the process at one exact
 * instant of the submission of order CRASH_ORDER: CRASH_AT=after-record (recorded, not yet published) or
 * after-confirm (the broker confirmed, not yet marked published). Nothing else differs from production.
 */
async function main() {
  const at = process.env.CRASH_AT;
  const order = process.env.CRASH_ORDER;
  const crashAt = (instant: string) => (envelope: Envelope) => {
    if (instant === at && envelope.scope.orderNumber === order) process.kill(process.pid, 'SIGKILL');
  };
  const runtime = await startRuntime(loadConfig(), {
    role: 'gateway',
    intakeHooks: { afterRecord: crashAt('after-record'), afterConfirm: crashAt('after-confirm') },
  });
  console.log(`Plantgate crashing gateway started: ${runtime.url}`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
