import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createTestPki, type TestPki } from './test-pki';

export const RSYSLOGD = '/usr/sbin/rsyslogd';

/** One message as rsyslog parsed and wrote it (the template below: one JSON object per line). */
export type ReceivedSyslog = {
  raw: string;
  msg: string;
  msgid: string;
  sd: string;
  pri: string;
  hostname: string;
  appname: string;
  timestamp: string;
  input: string;
};

/** The MSG of a message sent in JSON (or OCSF) format, parsed: what a receiver would hand to the verifier. */
export function jsonBody(record: ReceivedSyslog): unknown {
  return JSON.parse(record.msg.replace(/^\ufeff/, ''));
}

export type RsyslogReceiver = {
  pki: TestPki;
  /** imtcp without TLS; TLS with any client; TLS that demands a client certificate signed by the test CA. */
  ports: { tcp: number; tls: number; mtls: number };
  /** Everything written so far, in arrival order. */
  received(): ReceivedSyslog[];
  /** Waits (polling the output file) until at least `count` messages arrived; throws with what arrived otherwise. */
  waitFor(count: number, timeoutMs?: number): Promise<ReceivedSyslog[]>;
  /** Stops rsyslogd and starts it again on the same ports (its output file is kept). */
  restart(): Promise<void>;
  stop(): Promise<void>;
};

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

function config(dir: string, pki: TestPki, ports: RsyslogReceiver['ports']): string {
  const tlsInput = (name: string, port: number, authMode: string) =>
    `input(type="imtcp" address="127.0.0.1" port="${port}" name="${name}" ruleset="out" streamDriver.name="gtls" streamDriver.mode="1" streamDriver.authMode="${authMode}")`;
  const field = (name: string, property = name, extra = '') => `  property(outname="${name}" name="${property}" format="jsonf"${extra})`;
  return [
    `global(workDirectory="${dir}/work" maxMessageSize="1m" net.enableDNS="off" parser.escapeControlCharactersOnReceive="off"`,
    `  defaultNetstreamDriverCAFile="${pki.caFile}" defaultNetstreamDriverCertFile="${pki.serverCertFile}" defaultNetstreamDriverKeyFile="${pki.serverKeyFile}")`,
    `module(load="imtcp")`,
    `template(name="received" type="list" option.jsonf="on") {`,
    field('raw', 'rawmsg'),
    field('msg'),
    field('msgid'),
    field('sd', 'structured-data'),
    field('pri'),
    field('hostname'),
    field('appname', 'app-name'),
    field('timestamp', 'timereported', ' dateFormat="rfc3339"'),
    field('input', 'inputname'),
    `}`,
    `input(type="imtcp" address="127.0.0.1" port="${ports.tcp}" name="tcp" ruleset="out")`,
    tlsInput('tls', ports.tls, 'anon'),
    tlsInput('mtls', ports.mtls, 'x509/certvalid'),
    `ruleset(name="out") { action(type="omfile" file="${dir}/received.jsonl" template="received") }`,
    '',
  ].join('\n');
}

/**
 * Debian's rsyslogd as a real syslog receiver on loopback: its own config, work directory and pid file in a
 * temporary directory, run in the foreground (-n) and stopped by its process id. Throws (never skips) when
 * rsyslogd is missing or does not start: CI installs it (.ci/run).
 */
export async function startRsyslog(): Promise<RsyslogReceiver> {
  if (!existsSync(RSYSLOGD)) throw new Error(`${RSYSLOGD} is missing: apt-get install rsyslog rsyslog-gnutls`);
  const dir = mkdtempSync(path.join(tmpdir(), 'audit-rsyslog-'));
  mkdirSync(path.join(dir, 'work'));
  const pki = createTestPki(dir);
  const ports = { tcp: await freePort(), tls: await freePort(), mtls: await freePort() };
  const confFile = path.join(dir, 'rsyslog.conf');
  writeFileSync(confFile, config(dir, pki, ports));
  const output = path.join(dir, 'received.jsonl');
  let child: ChildProcess | null = null;
  let log = '';

  async function start() {
    const proc = spawn(RSYSLOGD, ['-n', '-f', confFile, '-i', path.join(dir, 'rsyslogd.pid')], { stdio: ['ignore', 'pipe', 'pipe'] });
    child = proc;
    // Should the test process end without stop() (a crash, a killed worker), take this rsyslogd with it.
    const orphanGuard = () => proc.kill('SIGTERM');
    process.once('exit', orphanGuard);
    proc.once('exit', () => process.off('exit', orphanGuard));
    proc.stdout?.on('data', (d) => (log += d));
    proc.stderr?.on('data', (d) => (log += d));
    for (let i = 0; i < 100; i++) {
      if (proc.exitCode !== null) throw new Error(`rsyslogd exited with ${proc.exitCode}: ${log}`);
      if ((await accepts(ports.tcp)) && (await accepts(ports.tls)) && (await accepts(ports.mtls))) return;
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error(`rsyslogd did not listen on ${JSON.stringify(ports)}: ${log}`);
  }

  async function stopProcess() {
    const proc = child;
    child = null;
    if (!proc || proc.exitCode !== null) return;
    const exited = new Promise((r) => proc.once('exit', r));
    proc.kill('SIGTERM');
    await exited;
  }

  function received(): ReceivedSyslog[] {
    if (!existsSync(output)) return [];
    const lines = readFileSync(output, 'utf8').split('\n');
    lines.pop(); // after the last newline: empty, or a line rsyslog is still writing
    return lines.map((line) => JSON.parse(line) as ReceivedSyslog);
  }

  await start();
  return {
    pki,
    ports,
    received,
    async waitFor(count, timeoutMs = 15_000) {
      const until = Date.now() + timeoutMs;
      for (;;) {
        const got = received();
        if (got.length >= count) return got;
        if (Date.now() > until) throw new Error(`rsyslog wrote ${got.length} of ${count} messages; its log: ${log}`);
        await new Promise((r) => setTimeout(r, 50));
      }
    },
    async restart() {
      await stopProcess();
      await start();
    },
    async stop() {
      await stopProcess();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
