import { describe, expect, it } from 'vitest';
import { type ImageReference, parseReference, ReferenceError } from './index.js';

const SHA = 'sha256:' + 'ab'.repeat(32);
const SHA512 = 'sha512:' + 'cd'.repeat(64);

function parts(ref: ImageReference) {
  return { registry: ref.registry, repository: ref.repository, tag: ref.tag, digest: ref.digest };
}

function problemOf(input: string): string {
  try {
    parseReference(input);
  } catch (error) {
    expect(error).toBeInstanceOf(ReferenceError);
    expect((error as ReferenceError).code).toBe('INVALID_REFERENCE');
    return (error as ReferenceError).message;
  }
  throw new Error(`expected ${JSON.stringify(input)} to be rejected`);
}

describe('parseReference', () => {
  describe('when the reference is a bare Docker Hub name', () => {
    it('adds index.docker.io, the library namespace and the latest tag', () => {
      const ref = parseReference('alpine');
      expect(parts(ref)).toEqual({
        registry: 'index.docker.io',
        repository: 'library/alpine',
        tag: 'latest',
        digest: undefined,
      });
      expect(ref.identifier).toBe('latest');
      expect(ref.toString()).toBe('index.docker.io/library/alpine:latest');
    });

    it('rewrites docker.io to index.docker.io and keeps a namespaced path as is', () => {
      expect(parseReference('docker.io/x').toString()).toBe('index.docker.io/library/x:latest');
      expect(parseReference('docker.io/aquasec/trivy:0.70.0').toString()).toBe(
        'index.docker.io/aquasec/trivy:0.70.0',
      );
      expect(parseReference('index.docker.io/library/alpine').toString()).toBe(
        'index.docker.io/library/alpine:latest',
      );
    });
  });

  describe('when a digest is given', () => {
    it('keeps the digest as identifier and adds no default tag', () => {
      const ref = parseReference(`aquasec/trivy@${SHA}`);
      expect(parts(ref)).toEqual({
        registry: 'index.docker.io',
        repository: 'aquasec/trivy',
        tag: undefined,
        digest: SHA,
      });
      expect(ref.identifier).toBe(SHA);
      expect(ref.toString()).toBe(`index.docker.io/aquasec/trivy@${SHA}`);
    });

    it('keeps both a tag and a digest, and the digest is what identifies the content', () => {
      const ref = parseReference(`registry.example.com:5000/ns/repo:v1.2@${SHA}`);
      expect(parts(ref)).toEqual({
        registry: 'registry.example.com:5000',
        repository: 'ns/repo',
        tag: 'v1.2',
        digest: SHA,
      });
      expect(ref.identifier).toBe(SHA);
      expect(ref.toString()).toBe(`registry.example.com:5000/ns/repo:v1.2@${SHA}`);
    });

    it('accepts sha512 digests', () => {
      expect(parseReference(`ghcr.io/a/b@${SHA512}`).digest).toBe(SHA512);
    });

    it('drops the tag when pinned to a resolved digest', () => {
      expect(parseReference('ghcr.io/a/b:v1').withDigest(SHA).toString()).toBe(`ghcr.io/a/b@${SHA}`);
    });
  });

  describe('when the first component names a registry', () => {
    it.each([
      ['localhost:5000/x', 'localhost:5000', 'x'],
      ['localhost/x/y', 'localhost', 'x/y'],
      ['127.0.0.1:41234/fixture/check:v1', '127.0.0.1:41234', 'fixture/check'],
      ['[::1]:5000/a', '[::1]:5000', 'a'],
      ['Registry.Example.COM/a', 'registry.example.com', 'a'],
      ['ghcr.io/sigstore/cosign/cosign:v2', 'ghcr.io', 'sigstore/cosign/cosign'],
    ])('reads %s as registry %s, repository %s', (input, registry, repository) => {
      const ref = parseReference(input);
      expect(ref.registry).toBe(registry);
      expect(ref.repository).toBe(repository);
    });

    it('treats a plain first component as a Docker Hub namespace, without a library prefix', () => {
      expect(parts(parseReference('myorg/app:1'))).toEqual({
        registry: 'index.docker.io',
        repository: 'myorg/app',
        tag: '1',
        digest: undefined,
      });
    });

    it('does not add library/ on other registries', () => {
      expect(parseReference('localhost:5000/x').repository).toBe('x');
    });
  });

  describe('when the reference is invalid', () => {
    it.each([
      ['', 'image reference is empty'],
      ['Alpine', 'repository name must be lowercase: "Alpine"'],
      ['ghcr.io/Org/app', 'repository name must be lowercase'],
      ['ghcr.io//app', 'empty path component'],
      ['app/', 'empty path component'],
      ['ghcr.io/a$b', 'may only contain a-z'],
      ['ghcr.io/a--/b', 'may only contain a-z'],
      ['ghcr.io/a/b:', 'tag is empty'],
      ['ghcr.io/a/b:-x', 'tag may only contain'],
      ['ghcr.io/a/b:' + 'x'.repeat(129), 'tag is longer than 128 characters'],
      ['ghcr.io/a/b@sha256:abc', 'digest must be lowercase hex'],
      ['ghcr.io/a/b@sha256:' + 'AB'.repeat(32), 'digest must be lowercase hex'],
      ['ghcr.io/a/b@' + 'ab'.repeat(32), 'digest must be algorithm:hex'],
      ['ghcr.io/a/b@md5:' + 'ab'.repeat(16), 'digest algorithm is not supported'],
      ['ghcr.io/a/b@constructor:' + 'ab'.repeat(16), 'digest algorithm is not supported'],
      ['ghcr.io/a/b@SHA256:' + 'ab'.repeat(32), 'digest algorithm is malformed'],
      [`ghcr.io/a/b@${SHA}@${SHA}`, 'more than one "@"'],
      ['reg-.io/a', 'registry must be host[:port]'],
      ['reg.io:99999/a', 'registry must be host[:port]'],
      ['a b', 'whitespace'],
      ['ghcr.io/' + 'a'.repeat(250), 'longer than 255 characters'],
      ['x'.repeat(2000), 'longer than 1024 characters'],
    ])('rejects %j (%s)', (input, problem) => {
      expect(problemOf(input)).toContain(problem);
    });

    it('names the input in the message, escaped', () => {
      expect(problemOf('BAD\nname')).toBe('image reference must not contain whitespace: "BAD\\nname"');
    });

    it('accepts a name of exactly 255 characters with its registry', () => {
      const repository = 'a'.repeat(255 - 'ghcr.io/'.length);
      expect(parseReference(`ghcr.io/${repository}`).name).toHaveLength(255);
    });

    it('accepts a tag of exactly 128 characters', () => {
      expect(parseReference('ghcr.io/a/b:' + 'T'.repeat(128)).tag).toHaveLength(128);
    });
  });
});
