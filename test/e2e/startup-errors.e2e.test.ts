import { describe, expect, it } from 'vitest';
import { spawnPlantgate } from '../support/process';
import { makeTempDir } from '../support/temp-dir';

describe('start-up errors', () => {
  it.each([
    ['PARTITIONS', 'abc', /^Invalid configuration: PARTITIONS .*\(got "abc"\)$/],
    ['PORT', '70000', /^Invalid configuration: PORT must be at most 65535 \(got "70000"\)$/],
    ['STORE', 'postgres', /^Invalid configuration: STORE .*\(got "postgres"\)$/],
    ['RETRY_DELAYS_MS', '500,100', /^Invalid configuration: RETRY_DELAYS_MS must be increasing \(got "500,100"\)$/],
    ['AMQP_URL', 'http://localhost', /^Invalid configuration: AMQP_URL must be an amqp:\/\/ or amqps:\/\/ URL/],
  ])('stops with exit code 2 and one line naming %s', async (variable, value, expected) => {
    const proc = spawnPlantgate('all', { [variable]: value });
    expect(await proc.exited).toBe(2);
    const lines = proc.output().stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(expected);
  });

  it('names MONGODB_URL when STORE=mongodb has none', async () => {
    const proc = spawnPlantgate('all', { STORE: 'mongodb' });
    expect(await proc.exited).toBe(2);
    expect(proc.output().stderr.trim()).toBe('Invalid configuration: MONGODB_URL is required when STORE=mongodb');
  });

  it('gives up on an unreachable broker after bounded retries with one clear message', async () => {
    const dir = makeTempDir();
    const proc = spawnPlantgate('all', {
      AMQP_URL: 'amqp://guest:secret@127.0.0.1:1',
      AMQP_CONNECT_TIMEOUT_MS: '1500',
      SQLITE_FILE: `${dir.path}/p.db`,
      LOG_LEVEL: 'silent',
    });
    expect(await proc.exited).toBe(3);
    const stderr = proc.output().stderr.trim();
    dir.remove();
    expect(stderr.split('\n')).toHaveLength(1);
    expect(stderr).toMatch(
      /^Cannot reach RabbitMQ at amqp:\/\/guest:\*\*\*@127\.0\.0\.1:1 after \d+ s \(ECONNREFUSED\)/,
    );
    expect(stderr).toContain('rabbitmq-server -detached');
    expect(stderr).not.toContain('secret');
  });
});
