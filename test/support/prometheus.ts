import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { waitFor } from './wait';

const MONITORING = path.resolve(__dirname, '..', '..', 'monitoring');

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/**
 * A real Prometheus (Debian's package) on a free loopback port, with the project's scrape configuration and rules,
 * pointed at `target` and sped up to one-second scrapes and evaluations.
 */
export async function startPrometheus(dir: string, target: string) {
  const config = fs
    .readFileSync(path.join(MONITORING, 'prometheus.yml'), 'utf8')
    .replace(/scrape_interval: \d+s/, 'scrape_interval: 1s')
    .replace(/evaluation_interval: \d+s/, 'evaluation_interval: 1s')
    .replace(/\['gateway:4000'[^\]]*\]/, `['${target}']`)
    // RabbitMQ's own Prometheus plugin is not enabled on this machine; Plantgate reads queue depths itself.
    .replace(/\n {2}- job_name: rabbitmq\n {4}static_configs:\n {6}- targets: \['rabbitmq:15692'\]\n?/, '\n');
  fs.writeFileSync(path.join(dir, 'prometheus.yml'), config);
  fs.copyFileSync(path.join(MONITORING, 'alerts.rules.yml'), path.join(dir, 'alerts.rules.yml'));
  const port = await freePort();
  const child: ChildProcess = spawn(
    'prometheus',
    [
      `--config.file=${path.join(dir, 'prometheus.yml')}`,
      `--storage.tsdb.path=${path.join(dir, 'tsdb')}`,
      `--web.listen-address=127.0.0.1:${port}`,
      '--log.level=warn',
    ],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let stderr = '';
  child.stderr!.on('data', (c: Buffer) => (stderr += c.toString()));
  // A missing binary is an 'error' event, which would otherwise crash the whole run as an unhandled error.
  const failedToStart = new Promise<never>((_, reject) =>
    child.once('error', (error) =>
      reject(
        new Error(
          `prometheus could not be started (${error.message}); npm test installs it, or: apt-get install -y prometheus`,
        ),
      ),
    ),
  );
  const url = `http://127.0.0.1:${port}`;
  await Promise.race([
    failedToStart,
    waitFor(async () => (await fetch(`${url}/-/ready`)).ok, {
      timeoutMs: 30_000,
      what: `Prometheus to be ready (${stderr.slice(-500)})`,
    }),
  ]);
  return {
    url,
    async query(expr: string): Promise<{ metric: Record<string, string>; value: [number, string] }[]> {
      const response = await fetch(`${url}/api/v1/query?query=${encodeURIComponent(expr)}`);
      const body = (await response.json()) as {
        status: string;
        error?: string;
        data: { result: { metric: Record<string, string>; value: [number, string] }[] };
      };
      if (body.status !== 'success') throw new Error(`query failed: ${body.error} for ${expr}`);
      return body.data.result;
    },
    async alerts(): Promise<{ labels: Record<string, string>; state: string }[]> {
      const body = (await (await fetch(`${url}/api/v1/alerts`)).json()) as {
        data: { alerts: { labels: Record<string, string>; state: string }[] };
      };
      return body.data.alerts;
    },
    async stop() {
      child.kill('SIGTERM');
      await new Promise((resolve) => child.once('exit', resolve));
    },
  };
}
