import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/** A fresh folder per test, removed by the test when it ends. */
export function makeTempDir(): { path: string; remove: () => void } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'plantgate-test-'));
  return { path: dir, remove: () => fs.rmSync(dir, { recursive: true, force: true }) };
}
