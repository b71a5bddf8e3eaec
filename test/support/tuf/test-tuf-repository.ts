import { createHash, generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Metadata, MetadataKind, Signature } from '@tufjs/models';
import { canonicalJson } from '../sigstore/canonical-json.js';

/**
 * A real TUF repository for tests (TUF spec 1.0, consistent snapshots, as Sigstore's are laid out):
 * signed root, timestamp, snapshot and targets metadata, `trusted_root.json` as a target, served from
 * a loopback HTTP server. Signing goes through @tufjs/models' canonical form, so what tuf-js
 * verifies is exactly what a repository tool would have written. Nothing in src/ uses this.
 *
 * Every change is a new published state, as a repository operator would make it: `publish` a new
 * target version, `rotateRoot`, and the hostile ones — `rollback`, `publish({ tamper })`,
 * `publish({ timestampExpires })`, `stop` (unreachable).
 */
export interface TestTufRepository {
  /** `http://127.0.0.1:PORT`: the mirror URL. */
  readonly url: string;
  /** `1.root.json`: what a client is first told to trust (`cosign initialize --root`). */
  readonly initialRoot: Buffer;
  /** Current versions of root and targets metadata. */
  readonly versions: { readonly root: number; readonly targets: number };
  /**
   * A new targets version listing `trustedRoot` as `trusted_root.json`, with new snapshot and
   * timestamp. `tamper`: serve other bytes than the ones listed. `timestampExpires`: sign a
   * timestamp that expires then (in the past for an expired one).
   */
  publish(
    trustedRoot: unknown,
    options?: { readonly tamper?: boolean; readonly timestampExpires?: Date },
  ): void;
  /** Root version n+1 with a new root key, signed by the old and the new (TUF §5.3.4). */
  rotateRoot(): void;
  /** Serves the timestamp of the state before the last publish again: a rollback attack. */
  rollback(): void;
  /** Requests counted per path (to show a refresh really asked). */
  readonly requests: ReadonlyMap<string, number>;
  /** Stops answering (connections refused): an unreachable mirror. */
  stop(): Promise<void>;
}

interface TufKey {
  readonly id: string;
  readonly json: { keytype: 'ecdsa'; scheme: 'ecdsa-sha2-nistp256'; keyval: { public: string } };
  readonly privateKey: KeyObject;
}

function newKey(): TufKey {
  const { publicKey, privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const json = {
    keytype: 'ecdsa' as const,
    scheme: 'ecdsa-sha2-nistp256' as const,
    keyval: { public: publicKey.export({ type: 'spki', format: 'pem' }).toString() },
  };
  // TUF key ids: the SHA-256 of the key's canonical JSON.
  return { id: createHash('sha256').update(canonicalJson(json)).digest('hex'), json, privateKey };
}

const SPEC_VERSION = '1.0.31';
const inDays = (days: number) =>
  new Date(Date.now() + days * 86_400_000).toISOString().replace(/\.\d{3}Z$/, 'Z');
const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

/** Signs `signed` (a role's JSON) with each key, through @tufjs/models. */
function signed(kind: MetadataKind, body: Record<string, unknown>, keys: readonly TufKey[]): Buffer {
  const metadata = Metadata.fromJSON(kind as MetadataKind.Root, { signatures: [], signed: body } as never);
  for (const key of keys) {
    metadata.sign(
      (data) => new Signature({ keyID: key.id, sig: sign('sha256', data, key.privateKey).toString('hex') }),
      true,
    );
  }
  return Buffer.from(JSON.stringify(metadata.toJSON()));
}

export async function createTestTufRepository(): Promise<TestTufRepository> {
  const files = new Map<string, Buffer>();
  const requests = new Map<string, number>();
  let rootKey = newKey();
  const onlineKey = newKey();
  let rootVersion = 0;
  let targetsVersion = 0;
  let snapshotVersion = 0;
  let timestampVersion = 0;
  const timestamps: Buffer[] = [];

  const rootBody = (version: number, key: TufKey) => ({
    _type: 'root',
    spec_version: SPEC_VERSION,
    version,
    expires: inDays(365),
    consistent_snapshot: true,
    keys: { [key.id]: key.json, [onlineKey.id]: onlineKey.json },
    roles: {
      root: { keyids: [key.id], threshold: 1 },
      targets: { keyids: [onlineKey.id], threshold: 1 },
      snapshot: { keyids: [onlineKey.id], threshold: 1 },
      timestamp: { keyids: [onlineKey.id], threshold: 1 },
    },
  });

  rootVersion = 1;
  const initialRoot = signed(MetadataKind.Root, rootBody(1, rootKey), [rootKey]);
  files.set('/1.root.json', initialRoot);

  const repository: TestTufRepository = {
    url: '',
    initialRoot,
    get versions() {
      return { root: rootVersion, targets: targetsVersion };
    },
    publish(trustedRoot, options = {}) {
      const target = Buffer.from(JSON.stringify(trustedRoot));
      const hash = sha256(target);
      const served =
        options.tamper === true
          ? Buffer.from(JSON.stringify({ ...(trustedRoot as object), tampered: true }))
          : target;
      files.set(`/targets/${hash}.trusted_root.json`, served);
      targetsVersion += 1;
      files.set(
        `/${targetsVersion}.targets.json`,
        signed(
          MetadataKind.Targets,
          {
            _type: 'targets',
            spec_version: SPEC_VERSION,
            version: targetsVersion,
            expires: inDays(90),
            targets: { 'trusted_root.json': { length: target.length, hashes: { sha256: hash } } },
          },
          [onlineKey],
        ),
      );
      snapshotVersion += 1;
      files.set(
        `/${snapshotVersion}.snapshot.json`,
        signed(
          MetadataKind.Snapshot,
          {
            _type: 'snapshot',
            spec_version: SPEC_VERSION,
            version: snapshotVersion,
            expires: inDays(30),
            meta: { 'targets.json': { version: targetsVersion } },
          },
          [onlineKey],
        ),
      );
      timestampVersion += 1;
      const timestamp = signed(
        MetadataKind.Timestamp,
        {
          _type: 'timestamp',
          spec_version: SPEC_VERSION,
          version: timestampVersion,
          expires: options.timestampExpires?.toISOString().replace(/\.\d{3}Z$/, 'Z') ?? inDays(7),
          meta: { 'snapshot.json': { version: snapshotVersion } },
        },
        [onlineKey],
      );
      timestamps.push(timestamp);
      files.set('/timestamp.json', timestamp);
    },
    rotateRoot() {
      const next = newKey();
      rootVersion += 1;
      // Signed by the old root key (the previous root's threshold) and the new one (its own).
      files.set(
        `/${rootVersion}.root.json`,
        signed(MetadataKind.Root, rootBody(rootVersion, next), [rootKey, next]),
      );
      rootKey = next;
    },
    rollback() {
      const older = timestamps.at(-2);
      if (older === undefined) throw new Error('nothing to roll back to');
      files.set('/timestamp.json', older);
    },
    requests,
    stop: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };

  const server: Server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://127.0.0.1').pathname;
    requests.set(path, (requests.get(path) ?? 0) + 1);
    const body = files.get(path);
    if (body === undefined) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': body.length }).end(body);
  });
  server.keepAliveTimeout = 1;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  Object.assign(repository, { url: `http://127.0.0.1:${port}` });
  return repository;
}
