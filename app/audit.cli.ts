import fs from 'node:fs';
import { parseArgs } from 'node:util';
import { ConfigError, loadConfig } from './config';
import { createStore } from './store.factory';

const USAGE = 'Usage: npm run audit -- export [--plant PLANT] [--out FILE] | verify [--plant PLANT]';
const PAGE = 1000;

/**
 * `npm run audit -- export [--plant P] [--out FILE]`: every audit entry (one plant's order chains with --plant),
 * chain by chain, as JSON Lines with its seq, previous hash and hash, so that an auditor can recompute the chains
 * outside Plantgate. `npm run audit -- verify [--plant P]` recomputes them here and names the first broken entry
 * (exit 1 when one is). Reads the store the environment configures.
 */
async function main() {
  const { positionals, values } = parseArgs({
    allowPositionals: true,
    options: { plant: { type: 'string' }, out: { type: 'string' } },
  });
  const [command] = positionals;
  if (command !== 'export' && command !== 'verify') {
    console.error(USAGE);
    process.exitCode = 2;
    return;
  }
  const prefix = values.plant ? `order:${values.plant}:` : '';
  const store = await createStore(loadConfig());
  try {
    if (command === 'verify') {
      const result = await store.verifyAuditChain(prefix);
      console.log(JSON.stringify(result));
      if (!result.ok) process.exitCode = 1;
      return;
    }
    const out = values.out ? fs.createWriteStream(values.out) : process.stdout;
    let written = 0;
    for (let after: string | null = null, first = true; first || after !== null; first = false) {
      const page = await store.scanAudit(prefix, after, PAGE);
      for (const entry of page.entries) out.write(`${JSON.stringify(entry)}\n`);
      written += page.entries.length;
      after = page.next;
    }
    if (out !== process.stdout) {
      await new Promise((resolve) => (out as fs.WriteStream).end(resolve));
      console.error(`wrote ${written} audit entries to ${values.out}`);
    }
  } finally {
    await store.close();
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof ConfigError ? error.message : `audit: ${(error as Error).message}`);
  process.exit(error instanceof ConfigError || (error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS') ? 2 : 1);
});
