import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { HeldSecrets } from './held-secrets.js';
import { redactJsonText, redactSecrets } from './redact-secrets.js';

/**
 * Random credentials and tokens, echoed back in random shapes inside random text, never come back;
 * ordinary text, the words registries and we use included, passes through unchanged.
 */

const printable = fc.string({
  unit: fc.constantFrom(
    ...'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789!#$%&*+-./:;=?@^_~"\\ é',
  ),
  minLength: 8,
  maxLength: 40,
});
const username = fc.stringMatching(/^[a-z][a-z0-9._-]{2,15}$/);
const token = fc.string({
  unit: fc.constantFrom(...'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-._~+/='),
  minLength: 16,
  maxLength: 300,
});

const b64 = (text: string) => Buffer.from(text, 'utf8').toString('base64');

/**
 * How a registry or proxy might quote what we sent it: the quoted secret (in its quoted spelling)
 * and the text around it.
 */
type Shape = (user: string, password: string, token: string) => [secret: string, text: string];
const lowerEscapes = (text: string) => text.replace(/%[0-9A-F]{2}/g, (e) => e.toLowerCase());
const SHAPES: readonly Shape[] = [
  (u, p) => [b64(`${u}:${p}`), b64(`${u}:${p}`)],
  (u, p) => [b64(`${u}:${p}`), `Basic ${b64(`${u}:${p}`)}`],
  (u, p) => [b64(`${u}:${p}`), `auth:basic:${b64(`${u}:${p}`)}`],
  (u, p) => [encodeURIComponent(b64(`${u}:${p}`)), `Basic%20${encodeURIComponent(b64(`${u}:${p}`))}`],
  (u, p) => [
    lowerEscapes(encodeURIComponent(b64(`${u}:${p}`))),
    `Basic%20${lowerEscapes(encodeURIComponent(b64(`${u}:${p}`)))}`,
  ],
  (u, p) => [Buffer.from(`${u}:${p}`).toString('base64url'), Buffer.from(`${u}:${p}`).toString('base64url')],
  (u, p) => [b64(`${u}:${p}`).replace(/=+$/, ''), `${b64(`${u}:${p}`).replace(/=+$/, '')}.`],
  (_u, p) => [p, p],
  (_u, p) => [b64(p), b64(p)],
  (u, p) => [`${u}:${p}`, `${u}:${p}`],
  (_u, p) => [JSON.stringify(p).slice(1, -1), JSON.stringify(p)],
  (_u, p) => [JSON.stringify(p).slice(1, -1), JSON.stringify({ password: p })],
  (_u, p) => [
    JSON.stringify(p).slice(1, -1).replaceAll('/', '\\/'),
    `"${JSON.stringify(p).slice(1, -1).replaceAll('/', '\\/')}"`,
  ],
  (_u, p) => [encodeURIComponent(p), encodeURIComponent(p)],
  (_u, p) => [lowerEscapes(encodeURIComponent(p)), `p=${lowerEscapes(encodeURIComponent(p))}`],
  (_u, p) => [encodeURIComponent(p).replaceAll('%20', '+'), encodeURIComponent(p).replaceAll('%20', '+')],
  (_u, _p, t) => [t, t],
  (_u, _p, t) => [t, `Bearer ${t}`],
  (_u, _p, t) => [encodeURIComponent(t), `Bearer%20${encodeURIComponent(t)}`],
  (_u, _p, t) => [JSON.stringify(t).slice(1, -1), JSON.stringify({ token: t })],
  (_u, _p, t) => [encodeURIComponent(t), `access_token=${encodeURIComponent(t)}`],
];

const WORDS = [
  'token',
  'Token',
  'Digest',
  'digest',
  'must',
  'be',
  'lowercase',
  'hex',
  'Basic',
  'Bearer',
  'a',
  'for',
  '127.0.0.1',
  'manifest',
  'unknown',
  'registry',
  'denied',
  'authentication',
  'required',
  'realm',
  'scope',
  'repository:team/app:pull',
  'sha256:0f3a',
  'HTTP',
  '401',
  'error:',
  '"quoted"',
  '{',
  '}',
];
const ordinaryText = fc.array(fc.constantFrom(...WORDS), { maxLength: 30 }).map((words) => words.join(' '));

describe('redaction by value', () => {
  it('never lets a held credential or token back out, whatever its shape and surroundings', () => {
    fc.assert(
      fc.property(
        username,
        printable,
        token,
        fc.nat({ max: SHAPES.length - 1 }),
        ordinaryText,
        ordinaryText,
        (user, password, issued, shape, before, after) => {
          const secrets = new HeldSecrets(() => 0);
          secrets.holdCredentials(user, password);
          secrets.holdIssuedToken(issued, 60_000);
          const [secret, echoed] = SHAPES[shape]!(user, password, issued);
          const text = `${before} ${echoed} ${after}`;
          expect(redactSecrets(text, secrets)).not.toContain(secret);
          // In a log line the text is JSON-escaped once more.
          const line = redactJsonText(JSON.stringify({ msg: text }), secrets);
          expect(line).not.toContain(JSON.stringify(secret).slice(1, -1));
          expect(JSON.parse(line)).toEqual({ msg: expect.not.stringContaining(secret) as unknown });
        },
      ),
      { numRuns: 1000 },
    );
  });

  it('passes ordinary text through unchanged', () => {
    fc.assert(
      fc.property(username, printable, token, ordinaryText, (user, password, issued, text) => {
        const secrets = new HeldSecrets(() => 0);
        secrets.holdCredentials(user, password);
        secrets.holdIssuedToken(issued, 60_000);
        // Only text that does not happen to contain a secret is ordinary.
        fc.pre(!text.includes(password) && !text.includes(issued));
        expect(redactSecrets(text, secrets)).toBe(text);
        const line = JSON.stringify({ level: 30, msg: text });
        expect(redactJsonText(line, secrets)).toBe(line);
      }),
      { numRuns: 1000 },
    );
  });
});
