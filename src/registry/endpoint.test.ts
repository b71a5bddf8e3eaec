import { describe, expect, it } from 'vitest';
import { apiUrl, isInsecureHost, resolveEndpoint, validateRepository, validateTag } from './endpoint.js';

describe('resolveEndpoint', () => {
  it('sends Docker Hub names to registry-1.docker.io over HTTPS', () => {
    for (const name of ['index.docker.io', 'docker.io', 'Docker.IO']) {
      const endpoint = resolveEndpoint(name, []);
      expect(endpoint.baseUrl.href).toBe('https://registry-1.docker.io/');
      expect(endpoint.registry).toBe(name.toLowerCase());
    }
  });

  it('uses plain HTTP only for hosts listed as insecure, port included', () => {
    expect(resolveEndpoint('127.0.0.1:5000', ['127.0.0.1:5000']).baseUrl.href).toBe('http://127.0.0.1:5000/');
    expect(resolveEndpoint('127.0.0.1:5001', ['127.0.0.1:5000']).baseUrl.href).toBe(
      'https://127.0.0.1:5001/',
    );
    expect(resolveEndpoint('ghcr.io', []).baseUrl.href).toBe('https://ghcr.io/');
    expect(isInsecureHost('Reg.Local:80', [' reg.local:80 '])).toBe(true);
  });

  it('refuses registry names that would change the URL', () => {
    for (const bad of [
      'evil.com/path',
      'user@host',
      'http://x',
      'a b',
      '',
      'host:port',
      'x.com#y',
      'x.com?y',
    ]) {
      expect(() => resolveEndpoint(bad, [])).toThrow(expect.objectContaining({ code: 'INVALID_REQUEST' }));
    }
  });
});

describe('validateRepository and validateTag', () => {
  it('accept distribution names and tags', () => {
    expect(validateRepository('library/alpine')).toBe('library/alpine');
    expect(validateRepository('a/b-c/d__e.f')).toBe('a/b-c/d__e.f');
    expect(validateTag('sha256-' + 'a'.repeat(64))).toBe('sha256-' + 'a'.repeat(64));
    expect(validateTag('v1.2.3_rc-1')).toBe('v1.2.3_rc-1');
  });

  it('refuse path tricks and bad characters', () => {
    for (const bad of ['../x', 'a//b', 'A/b', 'a/', '/a', 'a/b?x', 'a%2fb', '']) {
      expect(() => validateRepository(bad)).toThrow(expect.objectContaining({ code: 'INVALID_REQUEST' }));
    }
    for (const bad of ['.x', '-x', 'a/b', 'x'.repeat(129), '']) {
      expect(() => validateTag(bad)).toThrow(expect.objectContaining({ code: 'INVALID_REQUEST' }));
    }
  });

  it('build /v2/<name>/... URLs on the endpoint', () => {
    expect(apiUrl(resolveEndpoint('docker.io', []), 'library/alpine', 'manifests/3').href).toBe(
      'https://registry-1.docker.io/v2/library/alpine/manifests/3',
    );
  });
});
