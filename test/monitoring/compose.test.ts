import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = path.resolve(__dirname, '..', '..');

describe('docker-compose.yml', () => {
  it('is a valid compose file with the whole stack (docker-compose config needs no Docker engine)', () => {
    const result = spawnSync('docker-compose', ['-f', 'docker-compose.yml', 'config'], { cwd: ROOT, encoding: 'utf8' });
    if (result.error) throw new Error(`docker-compose is needed (apt-get install -y docker-compose; .ci/run installs it): ${result.error.message}`);
    expect(result.stderr).not.toMatch(/error/i);
    expect(result.status).toBe(0);
    const services = spawnSync('docker-compose', ['-f', 'docker-compose.yml', 'config', '--services'], { cwd: ROOT, encoding: 'utf8' }).stdout.trim().split('\n').sort();
    expect(services).toEqual(['gateway', 'grafana', 'mongodb', 'prometheus', 'rabbitmq', 'reference-systems', 'worker']);
    expect(result.stdout).toMatch(/ERP_URL: http:\/\/reference-systems:4101/);
    expect(result.stdout).toContain('rabbitmq_prometheus');
    expect(result.stdout).toContain('replSet');
    expect(result.stdout).toMatch(/alerts\.rules\.yml/);
    expect(result.stdout).toMatch(/dashboards/);
  });
});
