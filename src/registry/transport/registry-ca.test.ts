import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { rootCertificates } from 'node:tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError } from '../../config/index.js';
import { registryCaCertificates } from './registry-ca.js';

describe('registryCaCertificates (IMPRIMATUR_REGISTRY_CA_FILE)', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'imprimatur-registry-ca-'));
  });
  afterAll(async () => rm(dir, { recursive: true, force: true }));

  it("adds the file's certificates to Node's public roots, which stay trusted", async () => {
    const path = join(dir, 'ca.pem');
    const [first, second] = rootCertificates; // any two real certificates will do
    await writeFile(path, `# private CAs\n${first}\n${second}\n`);
    const ca = registryCaCertificates(path);
    expect(ca).toHaveLength(rootCertificates.length + 2);
    expect(ca.slice(0, rootCertificates.length)).toEqual([...rootCertificates]);
  });

  it('refuses to start on a missing file, a file without certificates, or a broken certificate', async () => {
    const empty = join(dir, 'empty.pem');
    const broken = join(dir, 'broken.pem');
    await writeFile(empty, 'nothing here\n');
    await writeFile(broken, '-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n');
    expect(() => registryCaCertificates(join(dir, 'missing.pem'))).toThrow(
      new ConfigError(`IMPRIMATUR_REGISTRY_CA_FILE: cannot read ${join(dir, 'missing.pem')} (ENOENT)`),
    );
    expect(() => registryCaCertificates(empty)).toThrow(/holds no PEM certificate/);
    expect(() => registryCaCertificates(broken)).toThrow(/certificate #1 in .* is not valid/);
  });
});
