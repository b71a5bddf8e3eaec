import { describe, expect, it } from 'vitest';
import { destinationOf } from './host-pattern.js';
import { OutboundPolicy } from './outbound-policy.js';

const open = new OutboundPolicy({ allowedRegistries: [], insecureRegistries: ['127.0.0.1:5000'] });
const listed = new OutboundPolicy({
  allowedRegistries: ['ghcr.io', '*.corp.example', 'docker.io'],
  insecureRegistries: ['127.0.0.1:5000'],
});

describe('the outbound policy', () => {
  describe('without an allow-list', () => {
    it('lets public names through to the connection-time check', () => {
      expect(open.checkUrl(new URL('https://ghcr.io/v2/'))).toBeUndefined();
    });

    it('refuses literal non-public addresses at once, whatever their spelling', () => {
      for (const url of [
        'https://169.254.169.254/',
        'https://2130706433/',
        'https://0x7f.1/',
        'https://[::ffff:127.0.0.1]/',
        'https://[fd00:ec2::254]/',
        'http://127.0.0.1:5001/',
      ]) {
        expect(open.checkUrl(new URL(url))?.code, url).toBe('REGISTRY_FORBIDDEN');
      }
    });

    it('lets the insecure registry reach its non-public address, on its port only', () => {
      expect(open.checkUrl(new URL('http://127.0.0.1:5000/v2/'))).toBeUndefined();
      const dest = destinationOf(new URL('http://127.0.0.1:5000/'));
      expect(open.checkAddress(dest, '127.0.0.1')).toBeUndefined();
    });

    it('refuses a name resolving to a private address, without naming the address', () => {
      const refusal = open.checkAddress(destinationOf(new URL('https://internal.test/')), '10.1.2.3');
      expect(refusal?.code).toBe('REGISTRY_FORBIDDEN');
      expect(refusal?.message).toContain('internal.test');
      expect(refusal?.message).not.toContain('10.1.2.3');
      expect(refusal?.details).toEqual({
        reason: 'non-public-address',
        destination: 'internal.test:443',
        range: 'private',
        address: '10.1.2.3',
      });
    });

    it('tells callers the same about a name that does not resolve, and the log the difference', () => {
      const refused: unknown[] = [];
      const policy = new OutboundPolicy({
        allowedRegistries: [],
        insecureRegistries: ['127.0.0.1:5000'],
        onRefusal: (refusal) => refused.push(refusal.details),
      });
      const internal = policy.checkAddress(destinationOf(new URL('https://probe.test/')), '10.1.2.3');
      const unknown = policy.checkUnresolvable(destinationOf(new URL('https://probe.test/')), 'ENOTFOUND');
      expect(unknown?.code).toBe(internal?.code);
      expect(unknown?.message).toBe(internal?.message);
      expect(refused).toEqual([
        expect.objectContaining({ reason: 'non-public-address', range: 'private' }),
        { reason: 'unresolvable', destination: 'probe.test:443', lookupError: 'ENOTFOUND' },
      ]);
      // A host the operator named gets the resolver's own error instead.
      expect(
        policy.checkUnresolvable(destinationOf(new URL('http://127.0.0.1:5000/')), 'ENOTFOUND'),
      ).toBeUndefined();
    });

    it('reports literal refusals too, naming their range to the caller who wrote the address', () => {
      const refused: unknown[] = [];
      const policy = new OutboundPolicy({
        allowedRegistries: [],
        insecureRegistries: [],
        onRefusal: (refusal) => refused.push(refusal.details),
      });
      expect(policy.checkUrl(new URL('https://169.254.169.254/'))?.message).toContain(
        'is a link-local address',
      );
      expect(refused).toEqual([
        {
          reason: 'non-public-address',
          destination: '169.254.169.254:443',
          range: 'link-local',
          address: '169.254.169.254',
        },
      ]);
    });
  });

  describe('with an allow-list', () => {
    it('lets listed hosts, wildcard matches and insecure registries through', () => {
      expect(listed.checkUrl(new URL('https://ghcr.io/v2/'))).toBeUndefined();
      expect(listed.checkUrl(new URL('https://registry.corp.example/v2/'))).toBeUndefined();
      expect(listed.checkUrl(new URL('http://127.0.0.1:5000/v2/'))).toBeUndefined();
    });

    it('lets Docker Hub API and token hosts through when docker.io is listed', () => {
      expect(listed.checkUrl(new URL('https://registry-1.docker.io/v2/'))).toBeUndefined();
      expect(listed.checkUrl(new URL('https://auth.docker.io/token'))).toBeUndefined();
    });

    it('refuses everything else by name', () => {
      const refusal = listed.checkUrl(new URL('https://quay.io/v2/'));
      expect(refusal?.message).toContain('IMPRIMATUR_ALLOWED_REGISTRIES');
      expect(refusal?.details).toEqual({ reason: 'not-allowed', destination: 'quay.io:443' });
    });

    it('lets listed hosts reach private addresses: the operator named them', () => {
      const dest = destinationOf(new URL('https://registry.corp.example/'));
      expect(listed.checkAddress(dest, '10.1.2.3')).toBeUndefined();
    });
  });
});
