import { execFileSync, spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { deploymentFindings, type CheckContext } from './deployment-checks.js';
import { KustomizeLiteError, renderKustomization, strategicMerge, type K8sObject } from './kustomize-lite.js';
import { schemaErrors } from './schema-validation.js';

const ROOT = join(import.meta.dirname, '..', '..');
const DEPLOY = join(ROOT, 'deploy');

/** Every kustomization a user applies; the examples are the only place the components are composed. */
const KUSTOMIZATIONS = [
  'base',
  'overlays/production',
  'overlays/dev',
  'examples/production-observed',
  'examples/external-redis',
];

function settingsReadBySource(dir: string): Set<string> {
  const names = new Set<string>();
  for (const entry of readdirSync(dir)) {
    const path = join(dir, entry);
    if (statSync(path).isDirectory()) settingsReadBySource(path).forEach((n) => names.add(n));
    else if (path.endsWith('.ts'))
      for (const m of readFileSync(path, 'utf8').matchAll(/IMPRIMATUR_[A-Z0-9_]+/g)) names.add(m[0]);
  }
  return names;
}

const context: CheckContext = {
  knownSettings: settingsReadBySource(join(ROOT, 'src')),
  version: (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string }).version,
  imageUser: Number(/^USER (\d+)(?::\d+)?$/m.exec(readFileSync(join(ROOT, 'Dockerfile'), 'utf8'))?.[1]),
};

const rendered = new Map(KUSTOMIZATIONS.map((k) => [k, renderKustomization(join(DEPLOY, k))]));
const render = (k: string): K8sObject[] => structuredClone(rendered.get(k) ?? []);
// Tests reach deep into rendered YAML to break one field at a time; typing every level adds nothing.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
const find = (objects: K8sObject[], kind: string, name = 'imprimatur'): Record<string, any> => {
  const o = objects.find((x) => x.kind === kind && x.metadata.name === name);
  if (o === undefined) throw new Error(`${kind}/${name} not rendered`);
  return o;
};
const server = (objects: K8sObject[]) => find(objects, 'Deployment').spec.template.spec.containers[0];

const kubectl = spawnSync('kubectl', ['version', '--client'], { encoding: 'utf8' }).status === 0;

describe.each(KUSTOMIZATIONS)('deploy/%s', (k) => {
  it('is valid against the Kubernetes schemas', async () => {
    const errors = (await Promise.all(render(k).map(schemaErrors))).flat();
    expect(errors).toEqual([]);
  });

  it('passes our own checks: security context, probes, resources, image, labels, selectors, egress', () => {
    expect(deploymentFindings(render(k), context)).toEqual([]);
  });

  it.skipIf(!kubectl)('renders to the same objects with kubectl kustomize', () => {
    const output = execFileSync('kubectl', ['kustomize', join(DEPLOY, k)], { encoding: 'utf8' });
    const theirs = parseAllDocuments(output).map((d) => d.toJS() as K8sObject);
    const key = (o: K8sObject) => `${o.kind}/${o.metadata.name}`;
    const mine = new Map(render(k).map((o) => [key(o), o]));
    expect([...mine.keys()].sort()).toEqual(theirs.map(key).sort());
    for (const o of theirs) expect(mine.get(key(o)), key(o)).toEqual(o);
  });
});

describe('the overlays', () => {
  it('production runs three replicas on the in-cluster Redis it deploys', () => {
    const objects = render('overlays/production');
    expect(find(objects, 'Deployment').spec.replicas).toBe(3);
    expect(find(objects, 'HorizontalPodAutoscaler').spec.minReplicas).toBe(3);
    const url = new URL(find(objects, 'ConfigMap').data.IMPRIMATUR_CACHE_URL as string);
    const redis = find(objects, 'Service', url.hostname);
    expect(redis.spec.ports.map((p: { port: number }) => p.port)).toContain(Number(url.port));
  });

  it('dev runs one replica on the memory cache, and its disruption budget does not block drains', () => {
    const objects = render('overlays/dev');
    expect(find(objects, 'Deployment').spec.replicas).toBe(1);
    expect(find(objects, 'ConfigMap').data.IMPRIMATUR_CACHE_URL).toBeUndefined();
    expect(find(objects, 'PodDisruptionBudget').spec.minAvailable).toBe(0);
    expect(find(objects, 'HorizontalPodAutoscaler').spec.maxReplicas).toBe(1);
  });

  it('external Redis takes its URL from the Secret and deploys no Redis', () => {
    const objects = render('examples/external-redis');
    const env = server(objects).env as {
      name: string;
      valueFrom?: { secretKeyRef?: { name: string; key: string } };
    }[];
    expect(env.find((e) => e.name === 'IMPRIMATUR_CACHE_URL')?.valueFrom?.secretKeyRef).toEqual({
      name: 'imprimatur',
      key: 'cache-url',
    });
    expect(objects.some((o) => o.metadata.name === 'imprimatur-redis')).toBe(false);
  });

  it('the observed example scrapes /metrics and exports traces over OTLP/HTTP', () => {
    const objects = render('examples/production-observed');
    expect(find(objects, 'ServiceMonitor').spec.endpoints[0].path).toBe('/metrics');
    expect(find(objects, 'ConfigMap').data.OTEL_EXPORTER_OTLP_ENDPOINT).toMatch(/^http:\/\/.+:4318$/);
  });
});

describe('our checks fail on manifests that break a rule', () => {
  const broken = (edit: (objects: K8sObject[]) => void): string[] => {
    const objects = render('overlays/production');
    edit(objects);
    return deploymentFindings(objects, context);
  };

  it.each<[string, (objects: K8sObject[]) => void, RegExp]>([
    [
      'a writable root filesystem',
      (o) => void (server(o).securityContext.readOnlyRootFilesystem = false),
      /readOnlyRootFilesystem/,
    ],
    [
      'privilege escalation',
      (o) => void delete server(o).securityContext.allowPrivilegeEscalation,
      /allowPrivilegeEscalation/,
    ],
    [
      'kept capabilities',
      (o) => void (server(o).securityContext.capabilities.drop = ['NET_RAW']),
      /drop ALL/,
    ],
    [
      'no seccomp profile',
      (o) => void delete find(o, 'Deployment').spec.template.spec.securityContext.seccompProfile,
      /seccomp/,
    ],
    [
      'root',
      (o) => void (find(o, 'Deployment').spec.template.spec.securityContext.runAsNonRoot = false),
      /runAsNonRoot/,
    ],
    [
      'a liveness probe on /readyz',
      (o) => void (server(o).livenessProbe.httpGet.path = '/readyz'),
      /livenessProbe must GET \/healthz/,
    ],
    [
      'a probe on a port the container lacks',
      (o) => void (server(o).readinessProbe.httpGet.port = 8080),
      /not a container port/,
    ],
    ['no memory limit', (o) => void delete server(o).resources.limits.memory, /limits\.memory missing/],
    ['the latest tag', (o) => void (server(o).image = 'registry.example.com/imprimatur:latest'), /pinned/],
    [
      'another version',
      (o) => void (server(o).image = 'registry.example.com/imprimatur:0.0.9'),
      /package\.json/,
    ],
    [
      'a missing label',
      (o) => void delete find(o, 'Service').metadata.labels['app.kubernetes.io/part-of'],
      /label/,
    ],
    [
      'a Service selecting nothing',
      (o) => void (find(o, 'Service').spec.selector['app.kubernetes.io/component'] = 'x'),
      /matches no pod/,
    ],
    [
      'egress to port 80',
      (o) => void find(o, 'NetworkPolicy').spec.egress.push({ ports: [{ port: 80 }] }),
      /port 80/,
    ],
    ['egress to every port', (o) => void find(o, 'NetworkPolicy').spec.egress.push({ to: [] }), /every port/],
    [
      'a misspelt setting',
      (o) => void (find(o, 'ConfigMap').data.IMPRIMATUR_CACHE_TTL = '5'),
      /IMPRIMATUR_CACHE_TTL/,
    ],
    [
      'the TUF cache on the root filesystem',
      (o) => void (find(o, 'ConfigMap').data.IMPRIMATUR_TUF_CACHE_DIR = '/home/nonroot/tuf'),
      /read-only root/,
    ],
    [
      'fewer autoscaled than deployed',
      (o) => void (find(o, 'HorizontalPodAutoscaler').spec.minReplicas = 2),
      /minReplicas/,
    ],
  ])('%s', (_, edit, finding) => {
    expect(broken(edit).join('\n')).toMatch(finding);
  });

  it('the schema check refuses a wrong type', async () => {
    const objects = render('overlays/dev');
    server(objects).resources.limits.cpu = 'one core';
    const errors = (await Promise.all(objects.map(schemaErrors))).flat();
    expect(errors.join('\n')).toMatch(/limits\/cpu/);
  });
});

describe('kustomize-lite', () => {
  it('merges maps, merges named lists by name, replaces other lists, and removes null keys', () => {
    const merged = strategicMerge(
      {
        a: 1,
        b: { c: 2, d: 3 },
        env: [
          { name: 'X', value: '1' },
          { name: 'Y', value: '2' },
        ],
        args: ['a'],
      },
      {
        b: { d: null, e: 4 },
        env: [
          { name: 'Y', value: '3' },
          { name: 'Z', value: '4' },
        ],
        args: ['b'],
      },
    );
    expect(merged).toEqual({
      a: 1,
      b: { c: 2, e: 4 },
      env: [
        { name: 'Z', value: '4' },
        { name: 'X', value: '1' },
        { name: 'Y', value: '3' },
      ],
      args: ['b'],
    });
  });

  it('refuses what it does not implement instead of ignoring it', () => {
    expect(() => strategicMerge({}, { $patch: 'delete' })).toThrow(KustomizeLiteError);
  });
});
