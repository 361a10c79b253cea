import fs from 'node:fs';
import path from 'node:path';

/** The SDL files of schema/, base.graphql first, then one folder per domain in name order. */
export function loadTypeDefs(schemaDir = path.resolve(__dirname, '..', 'schema')): string[] {
  const files: string[] = [];
  const walk = (dir: string) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (entry.name.endsWith('.graphql')) files.push(full);
    }
  };
  walk(schemaDir);
  const base = path.join(schemaDir, 'base.graphql');
  return [base, ...files.filter((f) => f !== base)].map((file) => fs.readFileSync(file, 'utf8'));
}
