import { podContainers, type K8sObject } from './kustomize-lite.js';

/**
 * Our own rules for rendered manifests, beyond what the schemas can say: the restricted security
 * context, probes on the service's real paths, resource requests and limits, pinned images,
 * consistent labels and selectors, egress limited to what the service needs. Each returns every
 * finding (not the first) as a sentence naming the object, so a failing test says what to fix.
 */
export interface CheckContext {
  /** `IMPRIMATUR_*` names the service reads (a ConfigMap key not among them is a typo). */
  readonly knownSettings: ReadonlySet<string>;
  /** The version in package.json: the service's image tag. */
  readonly version: string;
  /** The numeric user the Dockerfile runs as. */
  readonly imageUser: number;
}

type Obj = Record<string, unknown>;
const asObj = (v: unknown): Obj => (typeof v === 'object' && v !== null ? (v as Obj) : {});
const podSpec = (o: K8sObject): Obj => asObj(asObj(asObj(o.spec).template).spec);

/** Ports the egress rules may open: DNS, registries (443, docker-registry's 5000), Redis, OTLP/HTTP. */
export const ALLOWED_EGRESS_PORTS = new Set([53, 443, 5000, 6379, 6380, 4318]);

export function deploymentFindings(objects: readonly K8sObject[], ctx: CheckContext): string[] {
  return [
    ...objects.flatMap(labelFindings),
    ...objects.filter((o) => o.kind === 'Deployment').flatMap((o) => workloadFindings(o, ctx)),
    ...serviceFindings(objects),
    ...selectorFindings(objects),
    ...objects.filter((o) => o.kind === 'NetworkPolicy').flatMap(egressFindings),
    ...objects.filter((o) => o.kind === 'ConfigMap').flatMap((o) => settingFindings(o, ctx)),
    ...writablePathFindings(objects),
  ];
}

function labelFindings(o: K8sObject): string[] {
  const labels = o.metadata.labels ?? {};
  return ['app.kubernetes.io/name', 'app.kubernetes.io/component', 'app.kubernetes.io/part-of']
    .filter((label) => labels[label] === undefined)
    .map((label) => `${o.kind}/${o.metadata.name}: label ${label} missing`);
}

function workloadFindings(o: K8sObject, ctx: CheckContext): string[] {
  const at = `${o.kind}/${o.metadata.name}`;
  const found: string[] = [];
  const pod = podSpec(o);
  const podSecurity = asObj(pod.securityContext);
  if (podSecurity.runAsNonRoot !== true) found.push(`${at}: pod securityContext.runAsNonRoot must be true`);
  if (asObj(podSecurity.seccompProfile).type !== 'RuntimeDefault') {
    found.push(`${at}: pod seccompProfile must be RuntimeDefault`);
  }
  if (pod.automountServiceAccountToken !== false)
    found.push(`${at}: automountServiceAccountToken must be false`);
  const selector = asObj(asObj(o.spec).selector).matchLabels as Record<string, string> | undefined;
  const podLabels = asObj(asObj(asObj(o.spec).template).metadata).labels as
    Record<string, string> | undefined;
  for (const [k, v] of Object.entries(selector ?? {})) {
    if (podLabels?.[k] !== v)
      found.push(`${at}: selector ${k}=${v} does not match the pod template's labels`);
  }
  for (const c of podContainers(o))
    found.push(...containerFindings(`${at} container ${String(c.name)}`, c, pod));
  if (o.metadata.labels?.['app.kubernetes.io/component'] === 'server')
    found.push(...serverFindings(at, o, ctx));
  return found;
}

function containerFindings(at: string, c: Obj, pod: Obj): string[] {
  const found: string[] = [];
  const sc = asObj(c.securityContext);
  if (sc.allowPrivilegeEscalation !== false) found.push(`${at}: allowPrivilegeEscalation must be false`);
  if (sc.readOnlyRootFilesystem !== true) found.push(`${at}: readOnlyRootFilesystem must be true`);
  if (sc.privileged === true) found.push(`${at}: must not be privileged`);
  if (!((asObj(sc.capabilities).drop as unknown[] | undefined) ?? []).includes('ALL')) {
    found.push(`${at}: capabilities must drop ALL`);
  }
  if (((asObj(sc.capabilities).add as unknown[] | undefined) ?? []).length > 0)
    found.push(`${at}: adds capabilities`);
  if (sc.runAsUser === 0 || asObj(pod.securityContext).runAsUser === 0) found.push(`${at}: runs as root`);
  const resources = asObj(c.resources);
  for (const kind of ['requests', 'limits']) {
    for (const resource of ['cpu', 'memory']) {
      if (asObj(resources[kind])[resource] === undefined)
        found.push(`${at}: resources.${kind}.${resource} missing`);
    }
  }
  for (const probe of ['startupProbe', 'livenessProbe', 'readinessProbe']) {
    if (c[probe] === undefined) found.push(`${at}: ${probe} missing`);
  }
  const image = String(c.image);
  const tag = /:([^/:@]+)$/.exec(image)?.[1];
  if (!image.includes('@sha256:') && (tag === undefined || tag === 'latest')) {
    found.push(`${at}: image ${image} must be pinned to a tag other than latest, or a digest`);
  }
  if (c.imagePullPolicy === 'Always')
    found.push(`${at}: imagePullPolicy Always defeats a pinned tag's point`);
  return found;
}

/** The imprimatur container itself: its real probe paths and port, the Dockerfile's user, its version. */
function serverFindings(at: string, o: K8sObject, ctx: CheckContext): string[] {
  const found: string[] = [];
  const pod = podSpec(o);
  const c = podContainers(o).find((x) => x.name === 'imprimatur');
  if (c === undefined) return [`${at}: no container named imprimatur`];
  const ports = ((c.ports ?? []) as Obj[]).map((p) => [p.name, p.containerPort]);
  const portNamed = (name: unknown) => ports.some(([n, number]) => n === name || number === name);
  const expect = (probe: string, path: string) => {
    const get = asObj(asObj(c[probe]).httpGet);
    if (get.path !== path) found.push(`${at}: ${probe} must GET ${path}, not ${String(get.path)}`);
    if (!portNamed(get.port)) found.push(`${at}: ${probe} port ${String(get.port)} is not a container port`);
  };
  expect('startupProbe', '/readyz');
  expect('livenessProbe', '/healthz');
  expect('readinessProbe', '/readyz');
  if (asObj(pod.securityContext).runAsUser !== ctx.imageUser) {
    found.push(`${at}: runAsUser must be the image's user ${ctx.imageUser}`);
  }
  if (!String(c.image).endsWith(`:${ctx.version}`))
    found.push(`${at}: image tag must be ${ctx.version} (package.json)`);
  return found;
}

/** Every Service, PDB, HPA, NetworkPolicy and ServiceMonitor points at something that exists. */
function selectorFindings(objects: readonly K8sObject[]): string[] {
  const podLabelSets = objects
    .filter((o) => o.kind === 'Deployment')
    .map((o) => (asObj(asObj(asObj(o.spec).template).metadata).labels ?? {}) as Record<string, string>);
  const selects = (sel: Record<string, string>) =>
    podLabelSets.some((labels) => Object.entries(sel).every(([k, v]) => labels[k] === v));
  const found: string[] = [];
  for (const o of objects) {
    const spec = asObj(o.spec);
    const sel =
      o.kind === 'Service'
        ? (spec.selector as Record<string, string>)
        : o.kind === 'PodDisruptionBudget'
          ? (asObj(spec.selector).matchLabels as Record<string, string>)
          : o.kind === 'NetworkPolicy'
            ? (asObj(spec.podSelector).matchLabels as Record<string, string>)
            : undefined;
    if (sel !== undefined && (Object.keys(sel).length === 0 || !selects(sel))) {
      found.push(`${o.kind}/${o.metadata.name}: selector matches no pod of this deployment`);
    }
    if (o.kind === 'HorizontalPodAutoscaler') {
      const target = asObj(spec.scaleTargetRef);
      if (!objects.some((d) => d.kind === target.kind && d.metadata.name === target.name)) {
        found.push(`${o.kind}/${o.metadata.name}: scale target ${String(target.name)} does not exist`);
      }
      const deployment = objects.find((d) => d.kind === 'Deployment' && d.metadata.name === target.name);
      const replicas = asObj(deployment?.spec).replicas;
      if (
        typeof replicas === 'number' &&
        typeof spec.minReplicas === 'number' &&
        spec.minReplicas < replicas
      ) {
        found.push(
          `${o.kind}/${o.metadata.name}: minReplicas ${spec.minReplicas} is below the Deployment's ${replicas}`,
        );
      }
    }
    if (o.kind === 'ServiceMonitor') {
      const matched = objects.filter(
        (s) =>
          s.kind === 'Service' &&
          Object.entries((asObj(spec.selector).matchLabels ?? {}) as Record<string, string>).every(
            ([k, v]) => s.metadata.labels?.[k] === v,
          ),
      );
      if (matched.length !== 1)
        found.push(`${o.kind}/${o.metadata.name}: selects ${matched.length} Services, not 1`);
    }
  }
  return found;
}

/** Services expose only named ports their pods have. */
function serviceFindings(objects: readonly K8sObject[]): string[] {
  return objects
    .filter((o) => o.kind === 'Service')
    .flatMap((s) => {
      const sel = asObj(s.spec).selector as Record<string, string>;
      const pods = objects.filter((o) => {
        const labels = (asObj(asObj(asObj(o.spec).template).metadata).labels ?? {}) as Record<string, string>;
        return o.kind === 'Deployment' && Object.entries(sel).every(([k, v]) => labels[k] === v);
      });
      const names = new Set(
        pods.flatMap((p) => podContainers(p).flatMap((c) => ((c.ports ?? []) as Obj[]).map((x) => x.name))),
      );
      return ((asObj(s.spec).ports ?? []) as Obj[])
        .filter((p) => !names.has(p.targetPort))
        .map(
          (p) => `Service/${s.metadata.name}: targetPort ${String(p.targetPort)} is no named container port`,
        );
    });
}

function egressFindings(o: K8sObject): string[] {
  const rules = (asObj(o.spec).egress ?? []) as Obj[];
  const found: string[] = [];
  for (const rule of rules) {
    const ports = (rule.ports ?? []) as Obj[];
    if (ports.length === 0)
      found.push(`NetworkPolicy/${o.metadata.name}: an egress rule without ports opens every port`);
    for (const p of ports) {
      if (typeof p.port !== 'number' || !ALLOWED_EGRESS_PORTS.has(p.port)) {
        found.push(
          `NetworkPolicy/${o.metadata.name}: egress to port ${String(p.port)} is not one the service needs`,
        );
      }
    }
  }
  return found;
}

function settingFindings(o: K8sObject, ctx: CheckContext): string[] {
  return Object.keys(asObj(o.data))
    .filter((key) => key.startsWith('IMPRIMATUR_') && !ctx.knownSettings.has(key))
    .map((key) => `ConfigMap/${o.metadata.name}: ${key} is not a setting the service reads`);
}

/**
 * With a read-only root filesystem, whatever the service writes must be on a writable volume: the
 * TUF cache directory from the ConfigMap must lie under an `emptyDir` mount.
 */
function writablePathFindings(objects: readonly K8sObject[]): string[] {
  const config = objects.find((o) => o.kind === 'ConfigMap' && o.metadata.name === 'imprimatur');
  const tufDir = asObj(config?.data).IMPRIMATUR_TUF_CACHE_DIR;
  const server = objects.find((o) => o.kind === 'Deployment' && o.metadata.name === 'imprimatur');
  if (server === undefined) return ['Deployment/imprimatur missing'];
  if (typeof tufDir !== 'string')
    return ['ConfigMap/imprimatur: IMPRIMATUR_TUF_CACHE_DIR must point into a writable volume'];
  const pod = podSpec(server);
  const emptyDirs = new Set(
    ((pod.volumes ?? []) as Obj[]).filter((v) => v.emptyDir !== undefined).map((v) => v.name),
  );
  const container = podContainers(server).find((c) => c.name === 'imprimatur');
  const writable = ((container?.volumeMounts ?? []) as Obj[]).filter(
    (m) => emptyDirs.has(m.name) && m.readOnly !== true,
  );
  return writable.some((m) => tufDir === m.mountPath || tufDir.startsWith(`${String(m.mountPath)}/`))
    ? []
    : [`Deployment/imprimatur: ${tufDir} (IMPRIMATUR_TUF_CACHE_DIR) is on the read-only root filesystem`];
}
