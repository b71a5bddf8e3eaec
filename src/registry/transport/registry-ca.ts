import { X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { rootCertificates } from 'node:tls';
import { ConfigError } from '../../config/index.js';

const PEM_CERTIFICATE = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g;

/**
 * The CAs registry connections trust with `IMPRIMATUR_REGISTRY_CA_FILE`: Node's bundled public roots
 * plus every certificate in the file (a private registry's CA). Giving TLS a `ca` list replaces
 * Node's default store, so the public roots are listed again here, or public registries would stop
 * working the day a private CA is added. Read once at start-up; a missing file, or one without a
 * readable PEM certificate, stops the service with a message naming the variable, rather than
 * failing every request later with an "untrusted" that hides the cause.
 */
export function registryCaCertificates(path: string): string[] {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new ConfigError(
      `IMPRIMATUR_REGISTRY_CA_FILE: cannot read ${path} (${(error as NodeJS.ErrnoException).code ?? 'error'})`,
    );
  }
  const pems = text.match(PEM_CERTIFICATE) ?? [];
  if (pems.length === 0) {
    throw new ConfigError(`IMPRIMATUR_REGISTRY_CA_FILE: ${path} holds no PEM certificate`);
  }
  pems.forEach((pem, n) => {
    try {
      new X509Certificate(pem);
    } catch {
      throw new ConfigError(`IMPRIMATUR_REGISTRY_CA_FILE: certificate #${n + 1} in ${path} is not valid`);
    }
  });
  return [...rootCertificates, ...pems];
}
