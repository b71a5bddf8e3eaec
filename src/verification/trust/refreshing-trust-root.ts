import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { TrustRootConfig } from '../../config/index.js';
import { TrustRootError } from '../errors.js';
import { fetchTrustedRootThroughTuf, type TufFetchResult } from './fetch-through-tuf.js';
import { loadTrustRoot, parseTrustRoot, type TrustRoot } from './load-trust-root.js';
import { shippedTufRoot } from './tuf-seeds.js';

/** Where the root now in use came from. */
export type TrustRootOrigin = 'embedded' | 'file' | 'tuf' | 'tuf-cache' | 'given';

/** Everything `/readyz` and `/metrics` say about one named root. */
export interface TrustRootState {
  readonly name: string;
  /** The TUF repository it is refreshed from; undefined for a root that never changes. */
  readonly mirror: string | undefined;
  /** The root verifications use now; undefined only for a TUF root with no floor before its first refresh. */
  readonly current: TrustRoot | undefined;
  readonly origin: TrustRootOrigin | undefined;
  /** When `current` was installed. */
  readonly installedAt: Date | undefined;
  readonly lastAttemptAt: Date | undefined;
  /** Last refresh that completed (whether or not the root changed). */
  readonly lastSuccessAt: Date | undefined;
  /** Why the last refresh failed, while it is the latest outcome. */
  readonly lastError: string | undefined;
  readonly consecutiveFailures: number;
  /** TUF versions behind `current` (undefined when it did not come through TUF). */
  readonly rootVersion: number | undefined;
  readonly targetsVersion: number | undefined;
  /** Earliest expiry of the TUF metadata that vouched for `current`. */
  readonly metadataExpires: Date | undefined;
  /** When the schedule refreshes next (undefined when not scheduled). */
  readonly nextRefreshAt: Date | undefined;
}

/** What one refresh did: reported to the server's logger and metrics. */
export type RefreshOutcome =
  | {
      readonly name: string;
      readonly outcome: 'updated';
      readonly root: TrustRoot;
      readonly previous: TrustRoot | undefined;
    }
  | { readonly name: string; readonly outcome: 'unchanged'; readonly root: TrustRoot }
  | {
      readonly name: string;
      readonly outcome: 'failed';
      readonly error: string;
      readonly kept: TrustRoot | undefined;
    };

export interface RefreshingTrustRootOptions {
  /** Parent of every root's TUF folder. */
  readonly cacheDir: string;
  /** Longest time between two refreshes. */
  readonly refreshIntervalMs: number;
  readonly fetchTimeoutMs: number;
  /** Called after every refresh (logging, metrics). Must not throw. */
  readonly onRefresh?: (outcome: RefreshOutcome) => void;
  readonly now?: () => Date;
}

type LastGood = Pick<TufFetchResult, 'rootVersion' | 'targetsVersion' | 'expires'>;

interface LastGoodRecord {
  readonly sha256: string;
  readonly rootVersion: number;
  readonly targetsVersion: number;
  readonly expires: string;
}

/** Beside tuf-js's files in a root's folder: the root last installed, and what vouched for it. */
const LAST_GOOD_TARGET = 'imprimatur-last-good-trusted_root.json';
const LAST_GOOD_RECORD = 'imprimatur-last-good.json';

/** First retry after a failed refresh; doubled per further failure, never beyond the interval. */
const FIRST_RETRY_MS = 30_000;
/** Refresh this long before the metadata expires, so a healthy mirror never lets it lapse. */
const EXPIRY_MARGIN_MS = 60_000;

/**
 * One named trust root that stays current: it starts from its floor (the embedded root, a file, or
 * the last root TUF verified on an earlier run), and — when it has a TUF mirror — refreshes in the
 * background on a schedule and before its metadata expires. A refresh that fails for any reason
 * (mirror down, expired or rolled-back metadata, a tampered target, a root that does not parse) keeps
 * the root in use; only a root TUF verified replaces it, so the service never runs on nothing and
 * never steps back to an older root than one it verified.
 */
export class RefreshingTrustRoot {
  readonly name: string;
  private root: TrustRoot | undefined;
  private fields: Omit<TrustRootState, 'name' | 'mirror' | 'current'>;
  private inFlight: Promise<RefreshOutcome> | undefined;
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;
  private readonly now: () => Date;
  private readonly tufDir: string | undefined;
  private installCount = 0;

  constructor(
    private readonly config: TrustRootConfig,
    private readonly options: RefreshingTrustRootOptions,
  ) {
    this.name = config.name;
    this.now = options.now ?? (() => new Date());
    this.fields = {
      origin: undefined,
      installedAt: undefined,
      lastAttemptAt: undefined,
      lastSuccessAt: undefined,
      lastError: undefined,
      consecutiveFailures: 0,
      rootVersion: undefined,
      targetsVersion: undefined,
      metadataExpires: undefined,
      nextRefreshAt: undefined,
    };
    const tuf = config.tuf;
    // One folder per name and mirror: two repositories must never share TUF metadata.
    this.tufDir =
      tuf === undefined
        ? undefined
        : join(
            options.cacheDir,
            encodeURIComponent(config.name),
            encodeURIComponent(new URL(tuf.mirror).host),
          );
    // Synchronous and local: a bad floor stops start-up with a clear message.
    const floor = config.floor;
    if (floor !== undefined) {
      this.install(
        floor.kind === 'embedded'
          ? loadTrustRoot({ trustedRootPath: undefined })
          : loadTrustRoot({ trustedRootPath: floor.path }),
        floor.kind,
        undefined,
      );
    }
    const cached = this.tufDir === undefined ? undefined : this.cachedFromEarlierRun(this.tufDir);
    if (cached !== undefined) this.install(cached.root, 'tuf-cache', cached.tuf);
  }

  /** A root that never changes (a root built in code: tests, embedding). */
  static fixed(name: string, root: TrustRoot): RefreshingTrustRoot {
    const fixed = new RefreshingTrustRoot(
      { name, floor: undefined },
      { cacheDir: '', refreshIntervalMs: 0, fetchTimeoutMs: 0 },
    );
    fixed.install(root, 'given', undefined);
    return fixed;
  }

  /** How many times a root was put in force (a replaced root counts again). */
  get installs(): number {
    return this.installCount;
  }

  /** The root to verify against now (one request should read it once and keep it). */
  get current(): TrustRoot | undefined {
    return this.root;
  }

  get refreshes(): boolean {
    return this.config.tuf !== undefined;
  }

  state(): TrustRootState {
    return { name: this.name, mirror: this.config.tuf?.mirror, current: this.root, ...this.fields };
  }

  /**
   * Starts the schedule: a first refresh at once (in the background) unless one already ran (the
   * set awaits the first refresh of a default root with no floor), then on the interval.
   */
  start(): void {
    if (!this.refreshes || this.stopped) return;
    this.schedule(this.fields.lastAttemptAt === undefined ? 0 : this.nextDelayMs());
  }

  stop(): void {
    this.stopped = true;
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
    this.fields = { ...this.fields, nextRefreshAt: undefined };
  }

  /**
   * Refreshes now (joining one already running). Never rejects: a failure is the outcome `failed`
   * and the root in use stays. Also the hook tests use instead of waiting for the schedule.
   */
  refresh(): Promise<RefreshOutcome> {
    this.inFlight ??= this.refreshOnce().finally(() => {
      this.inFlight = undefined;
    });
    return this.inFlight;
  }

  private async refreshOnce(): Promise<RefreshOutcome> {
    const tuf = this.config.tuf;
    const dir = this.tufDir;
    if (tuf === undefined || dir === undefined) {
      throw new TrustRootError(`trust root ${this.name} has no TUF mirror to refresh from`);
    }
    this.fields = { ...this.fields, lastAttemptAt: this.now() };
    let outcome: RefreshOutcome;
    try {
      const initialRoot =
        tuf.initialRootPath === undefined ? shippedTufRoot(tuf.mirror) : readFileSync(tuf.initialRootPath);
      if (initialRoot === undefined) throw new Error(`no initial root.json for ${tuf.mirror}`);
      const fetched = await fetchTrustedRootThroughTuf({
        mirror: tuf.mirror,
        cacheDir: dir,
        initialRoot,
        timeoutMs: this.options.fetchTimeoutMs,
      });
      // TUF already refuses a rollback of its own metadata; this also refuses one across a change of
      // cache folder (or a wiped one), where TUF starts again from the initial root.
      const installed = this.fields.targetsVersion;
      if (installed !== undefined && fetched.targetsVersion < installed) {
        throw new Error(
          `targets version ${fetched.targetsVersion} is older than version ${installed} already in use`,
        );
      }
      const root = parseTrustRoot(
        JSON.parse(fetched.bytes.toString('utf8')),
        `TUF ${tuf.mirror} (${this.name})`,
      );
      const previous = this.root;
      const changed = previous?.id !== root.id;
      // Unchanged bytes keep the object (and everything precomputed on it), now vouched for by TUF.
      this.install(changed || previous === undefined ? root : previous, 'tuf', fetched, changed);
      this.rememberLastGood(dir, fetched);
      this.fields = {
        ...this.fields,
        lastSuccessAt: this.now(),
        lastError: undefined,
        consecutiveFailures: 0,
      };
      outcome = changed
        ? { name: this.name, outcome: 'updated', root, previous }
        : { name: this.name, outcome: 'unchanged', root };
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      this.fields = {
        ...this.fields,
        lastError: message,
        consecutiveFailures: this.fields.consecutiveFailures + 1,
      };
      outcome = { name: this.name, outcome: 'failed', error: message, kept: this.root };
    }
    this.options.onRefresh?.(outcome);
    if (this.timer !== undefined) this.schedule(this.nextDelayMs());
    return outcome;
  }

  private install(root: TrustRoot, origin: TrustRootOrigin, tuf: LastGood | undefined, changed = true): void {
    if (changed) this.installCount += 1;
    this.root = root;
    this.fields = {
      ...this.fields,
      origin,
      ...(changed ? { installedAt: this.now() } : {}),
      rootVersion: tuf?.rootVersion,
      targetsVersion: tuf?.targetsVersion,
      metadataExpires: tuf?.expires,
    };
  }

  /**
   * The root the last successful refresh (of this or an earlier run) installed, if the folder still
   * holds it intact. Starting from it instead of the floor keeps a restart during a mirror outage
   * from stepping back to an older root than one TUF verified. Its metadata may have expired since:
   * it is the same last good root a failed refresh would keep. (tuf-js's own `targets.json` cannot
   * say this: a refresh that verified new targets metadata and then failed on the target leaves it
   * listing a file that was never installed.)
   */
  private cachedFromEarlierRun(dir: string): { root: TrustRoot; tuf: LastGood } | undefined {
    try {
      const record = JSON.parse(readFileSync(join(dir, LAST_GOOD_RECORD), 'utf8')) as Partial<LastGoodRecord>;
      const bytes = readFileSync(join(dir, LAST_GOOD_TARGET));
      if (record.sha256 !== createHash('sha256').update(bytes).digest('hex')) return undefined;
      if (typeof record.rootVersion !== 'number' || typeof record.targetsVersion !== 'number')
        return undefined;
      const root = parseTrustRoot(JSON.parse(bytes.toString('utf8')), `TUF cache ${dir} (${this.name})`);
      return {
        root,
        tuf: {
          rootVersion: record.rootVersion,
          targetsVersion: record.targetsVersion,
          expires: new Date(record.expires ?? 0),
        },
      };
    } catch {
      // Nothing usable (first run, or a damaged folder): start from the floor.
      return undefined;
    }
  }

  /** Records what was just installed, for {@link cachedFromEarlierRun}: bytes first, then the record. */
  private rememberLastGood(dir: string, fetched: TufFetchResult): void {
    try {
      writeFileSync(join(dir, LAST_GOOD_TARGET), fetched.bytes);
      const record: LastGoodRecord = {
        sha256: createHash('sha256').update(fetched.bytes).digest('hex'),
        rootVersion: fetched.rootVersion,
        targetsVersion: fetched.targetsVersion,
        expires: fetched.expires.toISOString(),
      };
      writeFileSync(join(dir, LAST_GOOD_RECORD), JSON.stringify(record));
    } catch {
      // A read-only or full disk costs only the head start of the next restart.
    }
  }

  private nextDelayMs(): number {
    const interval = this.options.refreshIntervalMs;
    const failures = this.fields.consecutiveFailures;
    if (failures > 0) return Math.min(interval, FIRST_RETRY_MS * 2 ** Math.min(failures - 1, 20));
    const expires = this.fields.metadataExpires;
    if (expires === undefined) return interval;
    const untilExpiry = expires.getTime() - this.now().getTime() - EXPIRY_MARGIN_MS;
    return Math.max(1_000, Math.min(interval, untilExpiry));
  }

  private schedule(delayMs: number): void {
    if (this.stopped) return;
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.fields = { ...this.fields, nextRefreshAt: new Date(this.now().getTime() + delayMs) };
    this.timer = setTimeout(() => void this.refresh(), delayMs);
    // A pending refresh must not keep the process (or a test run) alive.
    this.timer.unref();
  }
}
