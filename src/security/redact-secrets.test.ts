import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { HeldSecrets, MAX_ISSUED_TOKENS, TOKEN_GRACE_MS } from './held-secrets.js';
import { redactJsonText, redactSecrets } from './redact-secrets.js';

const USER = 'robot';
const PASSWORD = 'pa55/w0rd+that"leaks';
const BASIC = Buffer.from(`${USER}:${PASSWORD}`).toString('base64');
const TOKEN = 'opaque.token-7f3a9c2e41b8d6055e1';

function held(): HeldSecrets {
  const secrets = new HeldSecrets(() => 0);
  secrets.holdCredentials(USER, PASSWORD);
  secrets.holdIssuedToken(TOKEN, 60_000);
  return secrets;
}

describe('redactSecrets', () => {
  const secrets = held();

  it.each([
    ['the bare base64 of user:pass', `denied: ${BASIC}`],
    ['auth:basic:<b64>', `key auth:basic:${BASIC} rejected`],
    ['a URL-encoded Basic header', `GET /x?h=Basic%20${encodeURIComponent(BASIC)}`],
    [
      'the same with lower-case escapes',
      `h=${encodeURIComponent(BASIC).replace(/%[0-9A-F]{2}/g, (e) => e.toLowerCase())}`,
    ],
    ['the plain password', `password ${PASSWORD} is wrong`],
    ['the password JSON-escaped', `{"password":${JSON.stringify(PASSWORD)}}`],
    ['the password percent-encoded', `p=${encodeURIComponent(PASSWORD)}`],
    ['the base64 of the password', `pw=${Buffer.from(PASSWORD).toString('base64')}`],
    ['user:pass as it is', `login ${USER}:${PASSWORD} failed`],
    ['an opaque token without Bearer', `token ${TOKEN} expired`],
    ['a token cut short by a length cap', `quoted: ${TOKEN.slice(0, 20)}`],
  ])('removes %s', (_shape, text) => {
    const redacted = redactSecrets(text, secrets);
    expect(redacted).toContain('[redacted]');
    for (const secret of [PASSWORD, BASIC, TOKEN, TOKEN.slice(0, 20), encodeURIComponent(BASIC)]) {
      expect(redacted).not.toContain(secret);
    }
  });

  it('removes JWTs whoever minted them', () => {
    expect(redactSecrets('token eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0.c2ln expired', secrets)).toBe(
      'token [redacted] expired',
    );
  });

  it.each([
    'a token for 127.0.0.1 was refused',
    'digest must be lowercase hex',
    'Digest must be lowercase hex',
    'requires Basic authentication; send a Bearer token',
    'manifest unknown: tag v1 not found in basic/app',
    `user ${USER} may not read this`,
  ])('leaves %j alone', (text) => {
    expect(redactSecrets(text, secrets)).toBe(text);
  });

  it('forgets an issued token after its expiry and grace, keeps configured secrets', () => {
    let now = 0;
    const secrets = new HeldSecrets(() => now);
    secrets.holdCredentials(USER, PASSWORD);
    secrets.holdIssuedToken(TOKEN, 60_000);
    now = 60_000 + TOKEN_GRACE_MS + 1;
    secrets.holdIssuedToken('another-token-0123456789', now + 60_000);
    expect(redactSecrets(`t=${TOKEN}`, secrets)).toBe(`t=${TOKEN}`);
    expect(redactSecrets(`p=${PASSWORD}`, secrets)).toBe('p=[redacted]');
  });

  it('keeps at most MAX_ISSUED_TOKENS issued tokens, dropping the oldest', () => {
    const secrets = new HeldSecrets(() => 0);
    // Random-looking tokens: grams of one never occur in another.
    const issued = (i: number) => createHash('sha256').update(String(i)).digest('base64url');
    for (let i = 0; i <= MAX_ISSUED_TOKENS; i++) secrets.holdIssuedToken(issued(i), 60_000);
    expect(secrets.size).toBe(MAX_ISSUED_TOKENS);
    expect(redactSecrets(`t=${issued(0)}`, secrets)).toBe(`t=${issued(0)}`);
    expect(redactSecrets(`t=${issued(MAX_ISSUED_TOKENS)}`, secrets)).toBe('t=[redacted]');
  });
});

describe('redactJsonText', () => {
  const secrets = held();

  it('redacts inside strings and keeps the line valid JSON', () => {
    const line = JSON.stringify({ level: 40, msg: `registry said ${PASSWORD} / ${BASIC}`, token: TOKEN });
    const redacted = redactJsonText(line, secrets);
    const parsed = JSON.parse(redacted) as Record<string, unknown>;
    expect(parsed.msg).toBe('registry said [redacted] / [redacted]');
    expect(parsed.token).toBe('[redacted]');
    expect(redacted).not.toContain(TOKEN);
  });

  it('never takes a number or the structure between strings', () => {
    const secrets = new HeldSecrets(() => 0);
    secrets.holdSecret('1234567890');
    const line = JSON.stringify({ time: 1234567890, msg: 'x 1234567890' });
    expect(JSON.parse(redactJsonText(line, secrets))).toEqual({ time: 1234567890, msg: 'x [redacted]' });
  });
});
