import { describe, expect, it } from 'vitest';
import { summarizeRegistryUrl } from './registry-observer.js';

describe('summarizeRegistryUrl', () => {
  it('reduces a manifest URL to host, port, repository and a route template', () => {
    expect(
      summarizeRegistryUrl(new URL('https://ghcr.io/v2/sigstore/cosign/cosign/manifests/v2.4.1')),
    ).toEqual({
      scheme: 'https',
      host: 'ghcr.io',
      port: 443,
      operation: 'manifests',
      repository: 'sigstore/cosign/cosign',
      template: '/v2/{repository}/manifests/{reference}',
    });
  });

  it('names blobs and referrers by digest and the ping as such', () => {
    const digest = `sha256:${'a'.repeat(64)}`;
    expect(summarizeRegistryUrl(new URL(`http://127.0.0.1:5000/v2/team/app/blobs/${digest}`))).toMatchObject({
      port: 5000,
      operation: 'blobs',
      template: '/v2/{repository}/blobs/{digest}',
    });
    expect(
      summarizeRegistryUrl(new URL(`https://r.example/v2/team/app/referrers/${digest}?artifactType=x`)),
    ).toMatchObject({ operation: 'referrers', repository: 'team/app' });
    expect(summarizeRegistryUrl(new URL('https://r.example/v2/'))).toMatchObject({ operation: 'ping' });
  });

  it('drops the query, path and userinfo of anything off the distribution API', () => {
    const presigned = new URL(
      'https://user:pass@bucket.s3.amazonaws.com/docker/blobs/ab/data?X-Amz-Signature=deadbeef&X-Amz-Credential=AKIA',
    );
    const summary = summarizeRegistryUrl(presigned);
    expect(summary).toEqual({
      scheme: 'https',
      host: 'bucket.s3.amazonaws.com',
      port: 443,
      operation: 'other',
      repository: undefined,
      template: undefined,
    });
    const text = JSON.stringify(summary);
    for (const secret of ['deadbeef', 'AKIA', 'pass', 'docker/blobs']) expect(text).not.toContain(secret);
  });

  it('never lets a token realm query (service, scope) through', () => {
    const summary = summarizeRegistryUrl(
      new URL('https://auth.docker.io/token?service=registry.docker.io&scope=repository:library/alpine:pull'),
    );
    expect(JSON.stringify(summary)).not.toMatch(/scope|service|token/);
  });
});
