import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { generateApiKey } from '../../core/auth/api-key';

const ROOT = path.resolve(__dirname, '..', '..');

const compose = (args: string[], env: Record<string, string> = IDENTITIES) =>
  spawnSync('docker-compose', ['-f', 'docker-compose.yml', ...args], {
    cwd: ROOT,
    encoding: 'utf8',
    env: { PATH: process.env.PATH, ...env },
  });

const key = generateApiKey();
const IDENTITIES = {
  PLANTGATE_API_KEYS: JSON.stringify([
    { id: key.id, name: 'compose admin', roles: ['ADMIN', 'INTEGRATOR'], plants: '*', secretHash: key.secretHash },
  ]),
  PLANTGATE_WEBHOOK_SECRET: 'a-webhook-secret-for-compose',
  PLANTGATE_EDGE_KEY: 'pgk_an-edge-key-for-compose-0123456789',
};

describe('docker-compose.yml', () => {
  it('is a valid compose file with the whole stack (docker-compose config needs no Docker engine)', () => {
    const result = compose(['config']);
    if (result.error)
      throw new Error(
        `docker-compose is needed (apt-get install -y docker-compose; .ci/run installs it): ${result.error.message}`,
      );
    expect(result.stderr).not.toMatch(/error/i);
    expect(result.status).toBe(0);
    const services = compose(['config', '--services']).stdout.trim().split('\n').sort();
    expect(services).toEqual([
      'edge',
      'gateway',
      'grafana',
      'mongodb',
      'plant-rabbitmq',
      'prometheus',
      'rabbitmq',
      'reference-systems',
      'worker',
    ]);
    // The edge: its plant broker with the shovel plugin, the central broker and gateway it links to.
    expect(result.stdout).toContain('rabbitmq_shovel_management');
    expect(result.stdout).toMatch(/CENTRAL_AMQP_URL: amqp:\/\/guest:guest@rabbitmq:5672/);
    expect(result.stdout).toContain(`CENTRAL_API_KEY: ${IDENTITIES.PLANTGATE_EDGE_KEY}`);
    expect(result.stdout).toMatch(/EDGE_PLANTS: P1/);
    expect(result.stdout).toMatch(/ERP_URL: http:\/\/reference-systems:4101/);
    expect(result.stdout).toContain('rabbitmq_prometheus');
    expect(result.stdout).toContain('replSet');
    expect(result.stdout).toMatch(/alerts\.rules\.yml/);
    expect(result.stdout).toMatch(/dashboards/);
    // The gateway listens beyond loopback: it gets the keys, and MES and QMS the secret they sign webhooks with.
    expect(result.stdout).toContain(`API_KEYS: '${IDENTITIES.PLANTGATE_API_KEYS}'`);
    expect(result.stdout.match(/WEBHOOK_SECRET: a-webhook-secret-for-compose/g)).toHaveLength(4);
  });

  it('refuses to start without identities, saying what to set', () => {
    const result = compose(['config'], {});
    expect(result.status).not.toBe(0);
    expect(result.stderr).toMatch(/set PLANTGATE_(API_KEYS|WEBHOOK_SECRET) in \.env/);
  });
});
