import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { takeScreenshots } from '../support/screenshots';

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/** `npm run screenshots`, into a temporary folder: each shot is a PNG of a page that shows what it should. */
describe('the README screenshots', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'plantgate-shots-'));
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('are taken of the main screens, each showing its content', async () => {
    const shots = await takeScreenshots(dir);
    const byName = Object.fromEntries(shots.map((s) => [s.name, s]));
    const expected: Record<string, string[]> = {
      'workbench-exception': ['consumption.lot-expiry', 'L-RM7-EXPIRED', 'Local open mode'],
      'workbench-order': ['P100 / PO-S-3', 'FG-S-3', 'Timeline'],
      'workbench-monitor': ['ReportMaterialConsumption', 'VALIDATION 1'],
      'workbench-genealogy': ['Where it went', 'FG-S-3'],
      'graphql-ide': ['Local developer', 'Docs'],
    };
    expect(Object.keys(byName).sort()).toEqual(Object.keys(expected).sort());
    for (const [name, words] of Object.entries(expected)) {
      const shot = byName[name]!;
      const png = fs.readFileSync(shot.file);
      expect(png.subarray(0, 8).equals(PNG_SIGNATURE), name).toBe(true);
      expect(png.length, name).toBeGreaterThan(10_000);
      for (const word of words) expect(shot.text, `${name} shows ${word}`).toContain(word);
    }
  }, 120_000);
});
