/**
 * Parsing of `WWW-Authenticate` challenges (RFC 7235 §4.1), e.g.
 * `Bearer realm="https://auth.example/token",service="registry.example",scope="repository:a/b:pull"`.
 *
 * The header is untrusted input: the parser never throws, ignores what it does not understand, and
 * returns at most a few challenges with bounded parameters.
 */

export type Challenge =
  | { readonly scheme: 'bearer'; readonly realm: string; readonly service?: string; readonly scope?: string }
  | { readonly scheme: 'basic'; readonly realm?: string }
  | { readonly scheme: 'other'; readonly name: string };

interface RawChallenge {
  readonly scheme: string;
  readonly params: Map<string, string>;
}

const TOKEN_CHAR = /[!#$%&'*+\-.^_`|~0-9A-Za-z]/;
const MAX_HEADER_CHARS = 8192;

class Cursor {
  pos = 0;
  constructor(readonly text: string) {}
  skip(pattern: RegExp): void {
    while (this.pos < this.text.length && pattern.test(this.text[this.pos]!)) this.pos++;
  }
  token(): string {
    const start = this.pos;
    while (this.pos < this.text.length && TOKEN_CHAR.test(this.text[this.pos]!)) this.pos++;
    return this.text.slice(start, this.pos);
  }
  /** An unquoted value: RFC 7235 says token68/token, but servers send bare URLs too, so run to `,` or space. */
  bare(): string {
    const start = this.pos;
    while (this.pos < this.text.length && !/[\s,]/.test(this.text[this.pos]!)) this.pos++;
    return this.text.slice(start, this.pos);
  }
  quoted(): string {
    // Assumes the opening quote is at `pos`. An unterminated string runs to the end of the header.
    this.pos++;
    let out = '';
    while (this.pos < this.text.length) {
      const ch = this.text[this.pos++]!;
      if (ch === '"') break;
      if (ch === '\\' && this.pos < this.text.length) out += this.text[this.pos++]!;
      else out += ch;
    }
    return out;
  }
  peek(): string | undefined {
    return this.text[this.pos];
  }
}

function parseRaw(header: string): RawChallenge[] {
  const cursor = new Cursor(header.slice(0, MAX_HEADER_CHARS));
  const challenges: RawChallenge[] = [];
  let current: RawChallenge | undefined;
  while (cursor.pos < cursor.text.length && challenges.length <= 8) {
    cursor.skip(/[\s,]/);
    const start = cursor.pos;
    const name = cursor.token();
    if (name === '') {
      cursor.pos++; // an unexpected character: step over it rather than loop forever
      continue;
    }
    cursor.skip(/\s/);
    if (cursor.peek() === '=' && current !== undefined) {
      cursor.pos++;
      cursor.skip(/\s/);
      const value = cursor.peek() === '"' ? cursor.quoted() : cursor.bare();
      if (current.params.size < 16) current.params.set(name.toLowerCase(), value);
      continue;
    }
    if (cursor.peek() === '=' && current === undefined) {
      cursor.pos = start + name.length + 1; // a parameter before any scheme: malformed, skip it
      continue;
    }
    // A bare token is the next challenge's scheme.
    current = { scheme: name.toLowerCase(), params: new Map() };
    challenges.push(current);
  }
  return challenges;
}

/** All challenges in one header value, in order. Unknown schemes come back as `other`. */
export function parseWwwAuthenticate(header: string | undefined): Challenge[] {
  if (header === undefined) return [];
  return parseRaw(header).map((raw): Challenge => {
    const realm = raw.params.get('realm');
    if (raw.scheme === 'bearer' && realm !== undefined && realm !== '') {
      const service = raw.params.get('service');
      const scope = raw.params.get('scope');
      return {
        scheme: 'bearer',
        realm,
        ...(service === undefined ? {} : { service }),
        ...(scope === undefined ? {} : { scope }),
      };
    }
    if (raw.scheme === 'basic') return { scheme: 'basic', ...(realm === undefined ? {} : { realm }) };
    return { scheme: 'other', name: raw.scheme };
  });
}

/** The challenge we act on: Bearer if offered (it scopes access), else Basic, else none. */
export function preferredChallenge(challenges: readonly Challenge[]): Challenge | undefined {
  return challenges.find((c) => c.scheme === 'bearer') ?? challenges.find((c) => c.scheme === 'basic');
}
