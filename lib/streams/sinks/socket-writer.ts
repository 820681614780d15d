import net from 'node:net';
import tls from 'node:tls';
import { assertAllowedHost, guardedLookup } from '@/lib/streams/address-guard';
import { DeliveryError } from '@/lib/streams/sink';

export type SocketTarget = {
  host: string;
  port: number;
  /** TLS options when the connection is encrypted; plain TCP when absent. */
  tls?: { ca?: string; serverName?: string; cert?: string; key?: string };
};

export type SocketWriter = {
  /** Writes the frames in order on the open connection (opening one first if needed); resolves when all are flushed to the socket. */
  write(frames: readonly Buffer[], signal: AbortSignal): Promise<void>;
  close(): Promise<void>;
};

const KEEPALIVE_MS = 30_000;

/**
 * One persistent TCP or TLS connection, reused across batches and reopened after any error, end or timeout.
 * Every write respects backpressure (waits for 'drain' when the socket's buffer is full) and the caller's signal.
 * "Flushed" means the last byte left this process for the kernel: stream syslog has no application-level
 * acknowledgement, so bytes the peer never read after a reset cannot be detected here.
 */
export function createSocketWriter(label: string, target: SocketTarget): SocketWriter {
  let socket: net.Socket | null = null;
  // Sends run one after another so two batches never interleave their frames.
  let queue: Promise<unknown> = Promise.resolve();

  function drop(s: net.Socket) {
    if (socket === s) socket = null;
    s.destroy();
  }

  function open(signal: AbortSignal): Promise<net.Socket> {
    return new Promise((resolve, reject) => {
      try {
        assertAllowedHost(label, target.host);
      } catch (refused) {
        return reject(refused);
      }
      const t = target.tls;
      const lookup = guardedLookup(label);
      const s = t
        ? tls.connect({
            host: target.host,
            port: target.port,
            lookup,
            ca: t.ca,
            cert: t.cert,
            key: t.key,
            minVersion: 'TLSv1.2',
            // SNI and the name checked against the certificate; an IP address is checked against the certificate's IP SANs.
            ...(t.serverName ? { servername: t.serverName } : net.isIP(target.host) ? {} : { servername: target.host }),
          })
        : net.connect({ host: target.host, port: target.port, lookup });
      const fail = (error: Error) => {
        signal.removeEventListener('abort', onAbort);
        s.destroy();
        reject(error);
      };
      const onAbort = () => fail(new DeliveryError(`${label}: timed out connecting to ${target.host}:${target.port}`, true));
      signal.addEventListener('abort', onAbort, { once: true });
      s.once('error', (error) =>
        fail(error instanceof DeliveryError ? error : new DeliveryError(`${label}: cannot connect to ${target.host}:${target.port}: ${error.message}`, true)),
      );
      s.once(t ? 'secureConnect' : 'connect', () => {
        signal.removeEventListener('abort', onAbort);
        s.removeAllListeners('error');
        s.setKeepAlive(true, KEEPALIVE_MS);
        s.setNoDelay(true);
        // A receiver never speaks; reading keeps the socket flowing so its end ('end') is noticed at once.
        s.on('data', () => {});
        s.on('error', () => drop(s));
        s.on('end', () => drop(s));
        s.on('close', () => drop(s));
        resolve(s);
      });
    });
  }

  /** Waits for `pending` (or the socket's 'drain' when no promise is given); rejects when the socket fails or closes first, or the signal aborts. */
  function settle(s: net.Socket, pending: Promise<void> | 'drain', signal: AbortSignal): Promise<void> {
    return new Promise((resolve, reject) => {
      const done = (error?: Error) => {
        s.off('drain', onDrain);
        s.off('close', onClose);
        s.off('error', onError);
        signal.removeEventListener('abort', onAbort);
        if (error) reject(error);
        else resolve();
      };
      const onDrain = () => done();
      const onClose = () => done(new Error('connection closed'));
      const onError = (error: Error) => done(error);
      const onAbort = () => done(new Error('timed out'));
      if (pending === 'drain') s.once('drain', onDrain);
      else pending.then(() => done(), done);
      s.once('close', onClose);
      s.once('error', onError);
      signal.addEventListener('abort', onAbort, { once: true });
    });
  }

  async function writeAll(frames: readonly Buffer[], signal: AbortSignal): Promise<void> {
    if (signal.aborted) throw new DeliveryError(`${label}: timed out`, true);
    if (socket) await new Promise((r) => setImmediate(r)); // let a pending 'end'/'close' of an idle connection land first
    const s = socket && !socket.destroyed && socket.writable ? socket : (socket = await open(signal));
    try {
      let last: Promise<void> = Promise.resolve();
      for (const frame of frames) {
        if (signal.aborted) throw new Error('timed out');
        if (s.destroyed || !s.writable) throw new Error('connection closed');
        last = new Promise<void>((resolve, reject) => s.write(frame, (error) => (error ? reject(error) : resolve())));
        last.catch(() => {}); // awaited below; an earlier failure also shows as 'close'
        if (s.writableNeedDrain) await settle(s, 'drain', signal);
      }
      // The last write's callback runs once it (and so every write before it) has been handed to the kernel.
      await settle(s, last, signal);
    } catch (error) {
      drop(s);
      if (error instanceof DeliveryError) throw error;
      throw new DeliveryError(`${label}: ${error instanceof Error ? error.message : String(error)} (batch not fully written)`, true);
    }
  }

  return {
    write(frames, signal) {
      const run = queue.then(() => writeAll(frames, signal));
      queue = run.catch(() => {});
      return run;
    },
    async close() {
      await queue;
      const s = socket;
      socket = null;
      if (!s || s.destroyed) return;
      await new Promise<void>((resolve) => {
        s.once('close', () => resolve());
        s.end();
        setTimeout(() => s.destroy(), 2000).unref();
      });
    },
  };
}
