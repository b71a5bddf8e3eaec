import { canonicalJson } from './canonical-json.js';
import { generateKeyPair, logIdOf, signWith, type TestKeyPair } from './keys.js';
import { auditPath, leafHash, rootHash } from './merkle.js';

/**
 * A Rekor-like transparency log (Rekor v1 semantics): entries get an index and an integrated time,
 * a Signed Entry Timestamp (SET) and an RFC 6962 inclusion proof against a signed checkpoint.
 *
 * SET: ECDSA by the log key over the canonical JSON `{"body","integratedTime","logID","logIndex"}`,
 * body base64 and logID hex — what cosign stores in `dev.sigstore.cosign/bundle` and verifies offline.
 * Checkpoint: a signed note (https://github.com/transparency-dev/formats/blob/main/log/README.md):
 * `<origin>\n<size>\n<b64 root>\n\n— <name> <b64(keyhint[4] || signature)>\n`, where the key hint is the
 * first 4 bytes of the log ID and `<name>` must appear in the log's base URL for sigstore-js to match it.
 */
export interface TlogEntry {
  /** The canonicalized entry body (JSON bytes), base64-encoded where formats call it `body`. */
  readonly body: Buffer;
  readonly logIndex: number;
  /** Unix seconds. */
  readonly integratedTime: number;
  readonly logId: Buffer;
  readonly signedEntryTimestamp: Buffer;
  readonly inclusionProof: {
    readonly logIndex: number;
    readonly treeSize: number;
    readonly rootHash: Buffer;
    readonly hashes: readonly Buffer[];
    readonly checkpoint: string;
  };
}

export interface TestTransparencyLog {
  readonly key: TestKeyPair;
  readonly logId: Buffer;
  readonly baseUrl: string;
  readonly origin: string;
  /** Appends an entry body and returns it with its SET and inclusion proof. */
  append(body: Buffer, integratedTime?: Date): TlogEntry;
}

export function createTransparencyLog(baseUrl: string, treeId: string): TestTransparencyLog {
  const key = generateKeyPair('ecdsa-p256');
  const logId = logIdOf(key);
  const name = new URL(baseUrl).host;
  const origin = `${name} - ${treeId}`;
  const leaves: Buffer[] = [];

  function checkpoint(size: number, root: Buffer): string {
    const note = `${origin}\n${size}\n${root.toString('base64')}\n`;
    const signature = Buffer.concat([logId.subarray(0, 4), signWith(key, Buffer.from(note, 'utf8'))]);
    return `${note}\n\u2014 ${name} ${signature.toString('base64')}\n`;
  }

  return {
    key,
    logId,
    baseUrl,
    origin,
    append(body, at = new Date()) {
      const logIndex = leaves.length;
      leaves.push(leafHash(body));
      const integratedTime = Math.floor(at.getTime() / 1000);
      const setPayload = canonicalJson({
        body: body.toString('base64'),
        integratedTime,
        logID: logId.toString('hex'),
        logIndex,
      });
      const root = rootHash(leaves);
      return {
        body,
        logIndex,
        integratedTime,
        logId,
        signedEntryTimestamp: signWith(key, Buffer.from(setPayload, 'utf8')),
        inclusionProof: {
          logIndex,
          treeSize: leaves.length,
          rootHash: root,
          hashes: auditPath(logIndex, leaves),
          checkpoint: checkpoint(leaves.length, root),
        },
      };
    },
  };
}
