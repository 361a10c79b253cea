import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const MONITORING = path.resolve(__dirname, '..', '..', 'monitoring');

function promtool(...args: string[]) {
  const result = spawnSync('promtool', args, { cwd: MONITORING, encoding: 'utf8' });
  if (result.error)
    throw new Error(`promtool is needed (apt-get install -y prometheus; .ci/run installs it): ${result.error.message}`);
  return result;
}

describe('alerting rules', () => {
  it('pass promtool check rules', () => {
    const result = promtool('check', 'rules', 'alerts.rules.yml');
    expect(result.stdout + result.stderr).toContain('SUCCESS: 14 rules found');
    expect(result.status).toBe(0);
  });

  it.each(['prometheus.yml', 'prometheus.local.yml'])('load from %s, which promtool checks as a whole', (config) => {
    const result = promtool('check', 'config', config);
    expect(result.stdout + result.stderr).toContain('SUCCESS');
    expect(result.status).toBe(0);
  });

  it('pass their unit tests, each rule firing and not firing (promtool test rules)', () => {
    const result = promtool('test', 'rules', 'alerts.test.yml');
    expect(result.stdout + result.stderr).toContain('SUCCESS');
    expect(result.status).toBe(0);
  });

  it('are tested one by one: every alert appears in the unit tests', async () => {
    const fs = await import('node:fs');
    const rules = fs.readFileSync(path.join(MONITORING, 'alerts.rules.yml'), 'utf8');
    const tests = fs.readFileSync(path.join(MONITORING, 'alerts.test.yml'), 'utf8');
    const alerts = [...rules.matchAll(/- alert: (\w+)/g)].map((m) => m[1]!);
    expect(alerts).toHaveLength(14);
    for (const alert of alerts) expect(tests, alert).toContain(`alertname: ${alert}`);
  });
});
