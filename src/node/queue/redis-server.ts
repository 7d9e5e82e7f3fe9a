import { spawn, type ChildProcess } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { createConnection, createServer } from 'node:net';
import { delimiter, join } from 'node:path';
import { tmpdir } from 'node:os';
import { HyperscheduleError } from '../../errors.js';

/**
 * A private `redis-server` started by {@link startRedisServer}.
 *
 * @example
 * ```ts
 * import type { RedisServer } from './redis-server.js';
 * const where = (r: RedisServer) => r.url; // 'redis://127.0.0.1:<port>'
 * ```
 */
export interface RedisServer {
  readonly url: string;
  readonly port: number;
  /** Stops it (SIGTERM, SIGKILL 3 s later) and removes its folder. */
  stop(): Promise<void>;
}

const INSTALL = 'redis-server installed to start a private Redis (Debian/Ubuntu: apt-get install redis-server), or redis://HOST:PORT of a running one';

/**
 * The `redis-server` executable: on the PATH, else in /usr/bin, /usr/sbin or /usr/local/bin.
 *
 * @example
 * ```ts
 * import { findRedisServer } from './redis-server.js';
 * findRedisServer(); // e.g. '/usr/bin/redis-server', or undefined
 * ```
 */
export function findRedisServer(path: string = process.env.PATH ?? '', fallback: readonly string[] = ['/usr/bin', '/usr/sbin', '/usr/local/bin']): string | undefined {
  for (const dir of [...path.split(delimiter).filter(Boolean), ...fallback]) {
    const candidate = join(dir, 'redis-server');
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not here
    }
  }
  return undefined;
}

/**
 * The `redis-server` to start, or an error naming `field` and how to install it.
 *
 * @example
 * ```ts
 * import { requireRedisServer } from './redis-server.js';
 * requireRedisServer(undefined, '--redis'); // throws: --redis: got "auto", expected redis-server installed … (… apt-get install redis-server) …
 * ```
 */
export function requireRedisServer(executable: string | undefined, field = 'redis'): string {
  if (executable === undefined) throw new HyperscheduleError(field, 'auto', INSTALL);
  return executable;
}

/** A TCP port free on 127.0.0.1 right now. */
async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

/** Whether a Redis answers PING on 127.0.0.1:`port`. */
async function answersPing(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ host: '127.0.0.1', port });
    let reply = '';
    const done = (ok: boolean): void => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(1000, () => done(false));
    socket.on('error', () => done(false));
    socket.on('connect', () => socket.write('PING\r\n'));
    socket.on('data', (chunk) => {
      reply += chunk.toString();
      if (reply.includes('\r\n')) done(reply.startsWith('+PONG'));
    });
  });
}

/**
 * The guardian: a small Node process that starts redis-server and stops it when told to
 * (SIGTERM) or when the process that started it is gone however it ended (its IPC channel
 * closes), then removes redis's folder. It runs in its own process group, so a Ctrl-C in the
 * terminal reaches the sweep (which stops its trials first) and not Redis.
 */
const GUARDIAN = `
const { spawn } = require('node:child_process');
const { rmSync } = require('node:fs');
const [exe, dir, ...args] = process.argv.slice(1);
const redis = spawn(exe, args, { stdio: ['ignore', 'inherit', 'inherit'] });
let killTimer;
const end = () => { redis.kill('SIGTERM'); killTimer ??= setTimeout(() => redis.kill('SIGKILL'), 3000); };
process.on('disconnect', end);
process.on('SIGTERM', end);
process.on('SIGINT', () => {});
process.on('SIGHUP', () => {});
const cleanup = (code) => { clearTimeout(killTimer); try { rmSync(dir, { recursive: true, force: true }); } catch {} process.exit(code); };
redis.on('error', (error) => { console.error('redis-server: ' + error.message); cleanup(127); });
redis.on('exit', (code, signal) => cleanup(code ?? (signal ? 1 : 0)));
`;

/** Waits until `check` holds, the guardian exits, or `ms` pass; which one. */
async function ready(port: number, guardian: ChildProcess, ms: number): Promise<'ready' | 'exited' | 'timeout'> {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    if (guardian.exitCode !== null || guardian.signalCode !== null) return 'exited';
    if (await answersPing(port)) return 'ready';
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return 'timeout';
}

/**
 * Starts a private `redis-server` on a free loopback port, for trying the queue executor on one
 * machine (`--redis auto`): no persistence (`--save ''`, no append-only file), its folder a
 * temporary one, bound to 127.0.0.1. It stops when `stop()` is called, and also when this process
 * ends however it ends (a guardian process watches it). Fails with a clear error when
 * `redis-server` is not installed.
 *
 * @example
 * ```ts
 * import { startRedisServer } from './redis-server.js';
 * // const redis = await startRedisServer();
 * // ... new Queue('q', { connection: { url: redis.url } }) ...
 * // await redis.stop();
 * ```
 */
export async function startRedisServer(options: { readonly field?: string; readonly executable?: string; readonly readyTimeoutMs?: number } = {}): Promise<RedisServer> {
  const field = options.field ?? 'redis';
  const executable = requireRedisServer(options.executable ?? findRedisServer(), field);
  let lastError = '';
  for (let attempt = 0; attempt < 3; attempt++) {
    const dir = await mkdtemp(join(tmpdir(), 'hs-redis-'));
    const port = await freePort();
    const args = ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir, '--daemonize', 'no', '--loglevel', 'warning'];
    const guardian = spawn(process.execPath, ['-e', GUARDIAN, executable, dir, ...args], { stdio: ['ignore', 'ignore', 'pipe', 'ipc'], detached: true });
    let stderr = '';
    guardian.stderr?.on('data', (chunk: Buffer) => {
      stderr = (stderr + chunk.toString()).slice(-2000);
    });
    // The guardian must not keep this process alive (its IPC channel still closes when this ends).
    guardian.unref();
    guardian.channel?.unref();
    (guardian.stderr as unknown as { unref?: () => void } | null)?.unref?.();
    // The guardian leads its own process group, redis-server in it: one kill stops both.
    const killGroup = (): void => {
      try {
        process.kill(-guardian.pid!, 'SIGKILL');
      } catch {
        // already gone
      }
    };
    const state = await ready(port, guardian, options.readyTimeoutMs ?? 10_000);
    if (state === 'ready') {
      const exited = new Promise<void>((resolve) => {
        if (guardian.exitCode !== null || guardian.signalCode !== null) resolve();
        else guardian.once('exit', () => resolve());
      });
      let stopping: Promise<void> | undefined;
      return {
        url: `redis://127.0.0.1:${port}`,
        port,
        stop: () => {
          stopping ??= (async () => {
            guardian.ref();
            guardian.kill('SIGTERM');
            const killed = setTimeout(killGroup, 5000);
            await exited;
            clearTimeout(killed);
            await rm(dir, { recursive: true, force: true });
          })();
          return stopping;
        },
      };
    }
    killGroup();
    await rm(dir, { recursive: true, force: true });
    lastError = state === 'timeout' ? 'it did not answer within 10 s' : `it exited: ${stderr.trim().split('\n').slice(-3).join(' / ') || 'no message'}`;
    // A port taken between the check and the start: try another.
  }
  throw new HyperscheduleError(field, 'auto', `${INSTALL} (${executable} did not start: ${lastError})`);
}
