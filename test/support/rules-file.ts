import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/** A RULES_FILE of the test's own, in its own temp folder; remove() deletes both. */
export function writeRulesFile(rules: object): { file: string; remove: () => void } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'plantgate-rules-'));
  const file = path.join(dir, 'rules.json');
  fs.writeFileSync(file, JSON.stringify(rules));
  return { file, remove: () => fs.rmSync(dir, { recursive: true, force: true }) };
}
