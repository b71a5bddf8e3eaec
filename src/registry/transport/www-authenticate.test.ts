import { describe, expect, it } from 'vitest';
import { parseWwwAuthenticate, preferredChallenge } from './www-authenticate.js';

describe('parseWwwAuthenticate', () => {
  it('reads a distribution Bearer challenge with realm, service and scope', () => {
    const header =
      'Bearer realm="https://auth.docker.io/token",service="registry.docker.io",scope="repository:library/alpine:pull"';
    expect(parseWwwAuthenticate(header)).toEqual([
      {
        scheme: 'bearer',
        realm: 'https://auth.docker.io/token',
        service: 'registry.docker.io',
        scope: 'repository:library/alpine:pull',
      },
    ]);
  });

  it('reads a Basic challenge, case-insensitively', () => {
    expect(parseWwwAuthenticate('basic REALM="imprimatur-test"')).toEqual([
      { scheme: 'basic', realm: 'imprimatur-test' },
    ]);
  });

  it('keeps commas inside quoted values and unescapes backslashes', () => {
    const [challenge] = parseWwwAuthenticate(
      'Bearer realm="https://a.example/t",scope="repository:a:pull,push repository:b:pull",service="s\\"q"',
    );
    expect(challenge).toEqual({
      scheme: 'bearer',
      realm: 'https://a.example/t',
      scope: 'repository:a:pull,push repository:b:pull',
      service: 's"q',
    });
  });

  it('reads token (unquoted) values and spaces around "="', () => {
    expect(parseWwwAuthenticate('Bearer realm = https://x.example/t , service=reg')).toEqual([
      { scheme: 'bearer', realm: 'https://x.example/t', service: 'reg' },
    ]);
  });

  it('splits several challenges in one header', () => {
    const challenges = parseWwwAuthenticate(
      'Basic realm="r", Bearer realm="https://t.example/token",service="s"',
    );
    expect(challenges.map((c) => c.scheme)).toEqual(['basic', 'bearer']);
    expect(preferredChallenge(challenges)?.scheme).toBe('bearer');
  });

  it('treats a Bearer challenge without realm as one it cannot answer', () => {
    expect(parseWwwAuthenticate('Bearer service="s"')).toEqual([{ scheme: 'other', name: 'bearer' }]);
    expect(preferredChallenge(parseWwwAuthenticate('Negotiate abc'))).toBeUndefined();
  });

  it('never throws on junk', () => {
    for (const junk of ['', '=', '"""', 'Bearer realm="unterminated', ',,,;;;', '\u0000\u0001', 'a=b c=d']) {
      expect(() => parseWwwAuthenticate(junk)).not.toThrow();
    }
    expect(parseWwwAuthenticate(undefined)).toEqual([]);
  });
});
