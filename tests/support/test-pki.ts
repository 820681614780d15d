import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';

/** A throw-away certificate authority with a server certificate (localhost, 127.0.0.1) and a client certificate. */
export type TestPki = {
  dir: string;
  caPem: string;
  caFile: string;
  serverCertFile: string;
  serverKeyFile: string;
  clientCertPem: string;
  clientKeyPem: string;
  /** A CA that signed nothing here: trusting only it must fail the handshake. */
  otherCaPem: string;
};

function openssl(dir: string, args: string[]): void {
  execFileSync('openssl', args, { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] });
}

function selfSignedCa(dir: string, name: string): void {
  openssl(dir, ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', `${name}-key.pem`, '-out', `${name}.pem`, '-days', '2', '-subj', `/CN=${name}`]);
}

function signedBy(dir: string, ca: string, name: string, subjectAltName: string | null, usage: string): void {
  openssl(dir, ['req', '-newkey', 'rsa:2048', '-nodes', '-keyout', `${name}-key.pem`, '-out', `${name}.csr`, '-subj', `/CN=${name}`]);
  const ext = [`basicConstraints=CA:FALSE`, `extendedKeyUsage=${usage}`, ...(subjectAltName ? [`subjectAltName=${subjectAltName}`] : [])];
  writeFileSync(path.join(dir, `${name}.ext`), `${ext.join('\n')}\n`);
  openssl(dir, [
    'x509',
    '-req',
    '-in',
    `${name}.csr`,
    '-CA',
    `${ca}.pem`,
    '-CAkey',
    `${ca}-key.pem`,
    '-CAcreateserial',
    '-out',
    `${name}.pem`,
    '-days',
    '2',
    '-extfile',
    `${name}.ext`,
  ]);
}

/** Generates the PKI into `dir` with the openssl CLI (RSA keys: every TLS library in the tests accepts them). */
export function createTestPki(dir: string): TestPki {
  selfSignedCa(dir, 'ca');
  selfSignedCa(dir, 'other-ca');
  signedBy(dir, 'ca', 'server', 'DNS:localhost,IP:127.0.0.1', 'serverAuth');
  signedBy(dir, 'ca', 'client', null, 'clientAuth');
  const read = (file: string) => readFileSync(path.join(dir, file), 'utf8');
  return {
    dir,
    caPem: read('ca.pem'),
    caFile: path.join(dir, 'ca.pem'),
    serverCertFile: path.join(dir, 'server.pem'),
    serverKeyFile: path.join(dir, 'server-key.pem'),
    clientCertPem: read('client.pem'),
    clientKeyPem: read('client-key.pem'),
    otherCaPem: read('other-ca.pem'),
  };
}
