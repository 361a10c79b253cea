import { loadConfig } from '../../app/config';
import { startRuntime } from '../../app/runtime';

/**
 * The test build's worker: `app/main.ts worker`, except that processing any message of order POISON_ORDER kills the
 * process on the spot (SIGKILL), the way a message that crashes the runtime would. Everything else is production.
 */
async function main() {
  const poison = process.env.POISON_ORDER;
  const runtime = await startRuntime(loadConfig(), {
    role: 'worker',
    decorateProcessor: (inner) => ({
      ...inner,
      async process(message) {
        if (message.envelope.scope.orderNumber === poison) process.kill(process.pid, 'SIGKILL');
        return inner.process(message);
      },
    }),
  });
  process.on('SIGTERM', () => void runtime.stop().then(() => process.exit(0)));
  console.log('Plantgate poisoned worker started');
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
