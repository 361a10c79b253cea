import fs from 'node:fs';
import { loadConfig } from '../../app/config';
import { startRuntime } from '../../app/runtime';
import type { Store } from '../../core/ports/store.port';

/**
 * The test build's worker: `app/main.ts worker`, except that once CRASH_AFTER messages of one batch have been
 * processed (their writes made in the batch's transaction, not yet committed) it writes their correlation IDs to
 * stdout and kills itself on the spot (SIGKILL). The main store (messages applied on their own) never crashes.
 */
async function main() {
  const crashAfter = Number(process.env.CRASH_AFTER ?? 5);
  // The worker builds its processor on the store itself first, then one per batch view.
  let mainStore: Store | undefined;
  const runtime = await startRuntime(loadConfig(), {
    role: 'worker',
    decorateProcessor: (inner, store: Store) => {
      mainStore ??= store;
      const inThisBatch: string[] = [];
      return {
        ...inner,
        async process(message) {
          const outcome = await inner.process(message);
          if (store === mainStore) return outcome;
          inThisBatch.push(message.envelope.correlationId);
          if (inThisBatch.length >= crashAfter) {
            // Synchronous: a SIGKILL right after would lose what console.log still buffers for the pipe.
            fs.writeSync(1, `UNCOMMITTED ${JSON.stringify(inThisBatch)}\n`);
            process.kill(process.pid, 'SIGKILL');
          }
          return outcome;
        },
      };
    },
  });
  process.on('SIGTERM', () => void runtime.stop().then(() => process.exit(0)));
  console.log('Plantgate crashing batch worker started');
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
