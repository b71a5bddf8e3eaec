import type { TrustRootsConfig } from '../../config/index.js';
import { TrustRootError } from '../errors.js';
import type { TrustRoot } from './load-trust-root.js';
import { RefreshingTrustRoot, type RefreshOutcome, type TrustRootState } from './refreshing-trust-root.js';

/** A root as one request sees it: the name policies use, and the root in force when the request began. */
export interface NamedTrustRoot {
  readonly name: string;
  /** Undefined while a TUF root with no floor has not been fetched yet. */
  readonly root: TrustRoot | undefined;
  /** Why `root` is missing (its last refresh error), for the verdict's message. */
  readonly unavailableBecause: string | undefined;
}

/** The roots in force at one instant, by name; what a request verifies against from start to end. */
export interface TrustRootSnapshot {
  /** The root policies get when they name none. */
  readonly defaultName: string;
  readonly roots: ReadonlyMap<string, NamedTrustRoot>;
}

export interface TrustRootSetOptions {
  readonly now?: () => Date;
}

type RefreshListener = (outcome: RefreshOutcome) => void;

/**
 * Every named trust root the service knows, each refreshed on its own. The first is the default.
 * Built from configuration; a fixed root (tests, embedded-only) is a set of one that never changes.
 */
export class TrustRootSet {
  private readonly byName: ReadonlyMap<string, RefreshingTrustRoot>;
  private readonly listeners: RefreshListener[];
  readonly defaultName: string;

  private constructor(roots: readonly RefreshingTrustRoot[], listeners: RefreshListener[] = []) {
    this.listeners = listeners;
    const first = roots[0];
    if (first === undefined) throw new TrustRootError('no trust root configured');
    this.defaultName = first.name;
    this.byName = new Map(roots.map((root) => [root.name, root]));
  }

  /** From configuration: floors are loaded now (a bad one throws {@link TrustRootError}); nothing is fetched yet. */
  static fromConfig(config: TrustRootsConfig, options: TrustRootSetOptions = {}): TrustRootSet {
    // The roots report to the set's listeners, which the server adds after building the set.
    const listeners: RefreshListener[] = [];
    const onRefresh = (outcome: RefreshOutcome) => {
      for (const listener of listeners) listener(outcome);
    };
    return new TrustRootSet(
      config.roots.map(
        (root) =>
          new RefreshingTrustRoot(root, {
            cacheDir: config.cacheDir,
            refreshIntervalMs: config.refreshIntervalSeconds * 1000,
            fetchTimeoutMs: config.fetchTimeoutMs,
            onRefresh,
            ...(options.now === undefined ? {} : { now: options.now }),
          }),
      ),
      listeners,
    );
  }

  /** Calls `listener` after every refresh of every root (the server logs and counts them). */
  onRefresh(listener: RefreshListener): void {
    this.listeners.push(listener);
  }

  /** One root that never changes, named `name` (default `public-good`). */
  static fixed(root: TrustRoot, name = 'public-good'): TrustRootSet {
    return new TrustRootSet([RefreshingTrustRoot.fixed(name, root)]);
  }

  /** The legacy single-root configuration: `trustedRootPath`, else the embedded public-good root. */
  static fromTrustedRootPath(trustedRootPath: string | undefined): TrustRootSet {
    return TrustRootSet.fromConfig({
      roots: [
        trustedRootPath === undefined
          ? { name: 'public-good', floor: { kind: 'embedded' } }
          : { name: 'default', floor: { kind: 'file', path: trustedRootPath } },
      ],
      // Never used: neither root has a mirror.
      cacheDir: '',
      refreshIntervalSeconds: 0,
      fetchTimeoutMs: 0,
    });
  }

  /**
   * Starts every refresh schedule, in the background. A default root with nothing to start from (a
   * private mirror with no floor file) is fetched first and awaited: the service never serves with
   * no default root, so that failing throws {@link TrustRootError}.
   */
  async start(): Promise<void> {
    const first = this.byName.get(this.defaultName)!;
    if (first.current === undefined) {
      const outcome = await first.refresh();
      if (outcome.outcome === 'failed') {
        throw new TrustRootError(`default trust root ${first.name} could not be fetched: ${outcome.error}`);
      }
    }
    for (const root of this.byName.values()) root.start();
  }

  stop(): void {
    for (const root of this.byName.values()) root.stop();
  }

  /** The default root in force now (always loaded once {@link start} resolved). */
  defaultRoot(): TrustRoot {
    const root = this.byName.get(this.defaultName)?.current;
    if (root === undefined) throw new TrustRootError(`default trust root ${this.defaultName} is not loaded`);
    return root;
  }

  /** The roots in force now. Cheap: called once per request. */
  snapshot(): TrustRootSnapshot {
    const roots = new Map<string, NamedTrustRoot>();
    for (const [name, root] of this.byName) {
      const state = root.current === undefined ? root.state() : undefined;
      roots.set(name, {
        name,
        root: root.current,
        unavailableBecause:
          state === undefined
            ? undefined
            : (state.lastError ?? 'its first TUF refresh has not completed yet'),
      });
    }
    return { defaultName: this.defaultName, roots };
  }

  /**
   * Grows by one whenever any root in force is replaced: whole answers replayed from a response
   * cache are tied to it, so none computed under a replaced root is served again.
   */
  get version(): number {
    let sum = 0;
    for (const root of this.byName.values()) sum += root.installs;
    return sum;
  }

  states(): TrustRootState[] {
    return [...this.byName.values()].map((root) => root.state());
  }

  /** Refreshes every TUF root now (tests, and an operator-triggered refresh); resolves with each outcome. */
  async refreshAll(): Promise<RefreshOutcome[]> {
    return Promise.all([...this.byName.values()].filter((r) => r.refreshes).map((r) => r.refresh()));
  }

  /** One root by name (tests). */
  get(name: string): RefreshingTrustRoot | undefined {
    return this.byName.get(name);
  }
}
