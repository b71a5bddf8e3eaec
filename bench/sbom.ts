import { Agent, request } from 'undici';
import { metrics } from '../src/telemetry/index.js';
import { startBareApollo, BARE_QUERY_BODY } from './bare-apollo.js';
import { answeredAll, runLoad } from './load.js';
import { GRAPHQL_HEADERS, startBenchService } from './service.js';
import { SBOM_COMPONENTS, type BenchWorld } from './world.js';

/**
 * A page of a large SBOM (bench/sbom:v1, a signed CycloneDX BOM of 20 000 components) against the
 * signatures' targets: cold requests at the minimum, none warm, a herd of identical cold queries
 * making what one does, warm throughput against bare Apollo as for verification, and the view of
 * the predicate computed once for the whole run of a service.
 */
export const SBOM_PAGE_QUERY = `query($ref: String!, $after: String) {
  image(ref: $ref) {
    attestations {
      predicateType
      sbom { format componentCount components(first: 50, after: $after) {
        totalCount endCursor hasNextPage items { name version purl licenses } } }
    }
  }
}`;

/**
 * Strictly needed for `bench/sbom:v1` (one bundle referrer, no referrers API, not reached through an
 * index so no BuildKit attestations), written out by hand.
 */
export const SBOM_MINIMUM_REQUESTS: readonly string[] = [
  'GET manifests/v1 (the tag; its bytes give the digest)',
  'GET manifests/sha256-<hex>.att (legacy attestations; 404)',
  'GET referrers/sha256:<hex> (must be asked before the fallback may be read)',
  'GET manifests/sha256-<hex> (the referrers fallback tag)',
  'GET manifests/<bundle referrer>',
  'GET blobs/<bundle>',
];
export const SBOM_MINIMUM = SBOM_MINIMUM_REQUESTS.length;
export const SBOM_STAMPEDE_QUERIES = 50;
const CONNECTIONS = 10;
const ROUND_SECONDS = 5;
const WARMUP_SECONDS = 2;

export interface SbomFigures {
  readonly cold: number;
  readonly warm: number;
  readonly stampede: number;
  readonly stampedeFailures: number;
  /** Warm page queries per second (answer replay on) ÷ bare Apollo `{ ok }`, measured back to back. */
  readonly warmRatio: number;
  readonly warmRequestsPerSecond: number;
  readonly bareRequestsPerSecond: number;
  /** Pages answered per second with answer replay off: every page executed over cached data. */
  readonly executedRequestsPerSecond: number;
  /** Registry requests made during both warm loads. */
  readonly registryRequestsDuringLoad: number;
  /** SBOM views computed by the executing service over its cold query, its warm load and its pages. */
  readonly viewComputations: number;
  /** Pages walked with the executing service (each a distinct request, none replayable). */
  readonly pagesWalked: number;
}

interface Answer {
  readonly data?: {
    readonly image?: {
      readonly attestations?: readonly {
        readonly sbom?: {
          readonly componentCount?: number;
          readonly components?: { readonly endCursor?: string | null; readonly items?: readonly unknown[] };
        } | null;
      }[];
    };
  } | null;
  readonly errors?: readonly unknown[];
}

function body(ref: string, after?: string): string {
  return JSON.stringify({ query: SBOM_PAGE_QUERY, variables: { ref, after } });
}

/** One page; a fast wrong answer is never counted: only a full page of the whole BOM passes. */
async function ask(url: string, ref: string, after?: string, agent?: Agent): Promise<string | undefined> {
  const res = await request(`${url}/graphql`, {
    method: 'POST',
    headers: GRAPHQL_HEADERS,
    body: body(ref, after),
    ...(agent === undefined ? {} : { dispatcher: agent }),
  });
  const answer = (await res.body.json()) as Answer;
  const sbom = answer.data?.image?.attestations?.[0]?.sbom;
  if (
    res.statusCode !== 200 ||
    answer.errors !== undefined ||
    sbom?.componentCount !== SBOM_COMPONENTS ||
    sbom.components?.items?.length !== 50
  ) {
    throw new Error(`SBOM page of ${ref} was not a full page: ${JSON.stringify(answer).slice(0, 400)}`);
  }
  return sbom.components.endCursor ?? undefined;
}

async function sbomViewsComputed(): Promise<number> {
  const { values } = await metrics().attestationViews.get();
  return values.find((v) => v.labels.view === 'sbom' && v.labels.outcome === 'computed')?.value ?? 0;
}

export async function measureSbom(world: BenchWorld): Promise<SbomFigures> {
  const ref = world.sbomRef;
  const service = await startBenchService(world);
  const executing = await startBenchService(world, { replayAnswers: false });
  const bare = await startBareApollo();
  try {
    world.proxy.reset();
    await ask(service.url, ref);
    const cold = world.proxy.arrived();
    world.proxy.reset();
    await ask(service.url, ref);
    const warm = world.proxy.arrived();

    // The view is computed once per digest for a service's whole life: the executing service's cold
    // page, then 20 distinct pages and a warm load, all without another computation.
    const computedBefore = await sbomViewsComputed();
    let after = await ask(executing.url, ref);
    const pagesWalked = 20;
    for (let page = 1; page < pagesWalked; page += 1) after = await ask(executing.url, ref, after);
    const load = (url: string, payload: string, durationSeconds = ROUND_SECONDS) =>
      runLoad({
        url,
        body: payload,
        headers: GRAPHQL_HEADERS,
        connections: CONNECTIONS,
        durationSeconds,
      }).then(answeredAll);
    world.proxy.reset();
    // Warm-up rounds (JIT, connection pools), not counted.
    await load(bare.url, BARE_QUERY_BODY, WARMUP_SECONDS);
    await load(`${service.url}/graphql`, body(ref), WARMUP_SECONDS);
    const bareRun = await load(bare.url, BARE_QUERY_BODY);
    const warmRun = await load(`${service.url}/graphql`, body(ref));
    const executedRun = await load(`${executing.url}/graphql`, body(ref));
    const registryRequestsDuringLoad = world.proxy.arrived();
    const viewComputations = (await sbomViewsComputed()) - computedBefore;
    await ask(executing.url, ref); // the answers under load were 2xx; one is checked in full

    const herd = await startBenchService(world, { replayAnswers: false });
    const agent = new Agent({ connections: SBOM_STAMPEDE_QUERIES });
    try {
      world.proxy.reset();
      const outcomes = await Promise.allSettled(
        Array.from({ length: SBOM_STAMPEDE_QUERIES }, () => ask(herd.url, ref, undefined, agent)),
      );
      return {
        cold,
        warm,
        stampede: world.proxy.arrived(),
        stampedeFailures: outcomes.filter((o) => o.status === 'rejected').length,
        warmRatio: warmRun.requestsPerSecond / bareRun.requestsPerSecond,
        warmRequestsPerSecond: warmRun.requestsPerSecond,
        bareRequestsPerSecond: bareRun.requestsPerSecond,
        executedRequestsPerSecond: executedRun.requestsPerSecond,
        registryRequestsDuringLoad,
        viewComputations,
        pagesWalked,
      };
    } finally {
      await agent.close();
      await herd.stop();
    }
  } finally {
    await bare.stop();
    await service.stop();
    await executing.stop();
  }
}
