import { readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseAllDocuments } from 'yaml';

/**
 * The part of Kustomize that `deploy/` uses, in TypeScript, so CI renders the manifests without a
 * `kubectl`: Debian's `kubernetes-client` is 1.20, whose Kustomize (v2) predates components,
 * `patches` and `replicas`, and no other registry we reach ships one. Where `kubectl` is on the PATH,
 * deploy.test.ts renders every kustomization with `kubectl kustomize` too and requires the same
 * objects, so this file cannot drift from the real thing unnoticed.
 *
 * Supported: `resources` (files and directories), `components`, `patches` (strategic merge, by the
 * patch's kind and name), `replicas`, `images`. Any other field is refused, never ignored: a
 * kustomization using it must be rendered by Kustomize itself, and this file extended.
 */

export type K8sObject = Record<string, unknown> & {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string> };
};

const SUPPORTED_FIELDS = new Set([
  'apiVersion',
  'kind',
  'resources',
  'components',
  'patches',
  'replicas',
  'images',
]);

interface Kustomization {
  kind: 'Kustomization' | 'Component';
  resources?: string[];
  components?: string[];
  patches?: { path: string }[];
  replicas?: { name: string; count: number }[];
  images?: { name: string; newName?: string; newTag?: string }[];
}

export class KustomizeLiteError extends Error {}

/** Renders the kustomization in `dir` (a Kustomization, not a Component) to its objects. */
export function renderKustomization(dir: string): K8sObject[] {
  const k = readKustomization(dir);
  if (k.kind !== 'Kustomization')
    throw new KustomizeLiteError(`${dir}: a Component cannot be rendered alone`);
  return build(dir, k, []);
}

function build(dir: string, k: Kustomization, inherited: K8sObject[]): K8sObject[] {
  let objects = [...inherited];
  for (const entry of k.resources ?? []) {
    const path = resolve(dir, entry);
    if (statSync(path).isDirectory()) {
      const child = readKustomization(path);
      if (child.kind !== 'Kustomization')
        throw new KustomizeLiteError(`${path}: a Component listed as a resource`);
      objects = add(objects, build(path, child, []));
    } else {
      objects = add(objects, readObjects(path));
    }
  }
  // As in Kustomize: a component sees everything accumulated so far and transforms all of it.
  for (const entry of k.components ?? []) {
    const path = resolve(dir, entry);
    const component = readKustomization(path);
    if (component.kind !== 'Component') throw new KustomizeLiteError(`${path}: not a Component`);
    objects = build(path, component, objects);
  }
  for (const patch of k.patches ?? []) {
    for (const p of readObjects(resolve(dir, patch.path))) objects = applyPatch(objects, p, patch.path);
  }
  for (const r of k.replicas ?? []) {
    const target = objects.find((o) => o.kind === 'Deployment' && o.metadata.name === r.name);
    if (target === undefined) throw new KustomizeLiteError(`replicas: no Deployment ${r.name}`);
    (target.spec as Record<string, unknown>).replicas = r.count;
  }
  for (const image of k.images ?? []) objects.forEach((o) => setImage(o, image));
  return objects;
}

function readKustomization(dir: string): Kustomization {
  const text = readFileSync(join(dir, 'kustomization.yaml'), 'utf8');
  const k = parseOne(text, dir) as Record<string, unknown>;
  for (const field of Object.keys(k)) {
    if (!SUPPORTED_FIELDS.has(field))
      throw new KustomizeLiteError(`${dir}: field "${field}" is not supported here`);
  }
  for (const patch of (k.patches ?? []) as Record<string, unknown>[]) {
    if (Object.keys(patch).some((key) => key !== 'path')) {
      throw new KustomizeLiteError(`${dir}: only file patches without a target are supported`);
    }
  }
  return k as unknown as Kustomization;
}

function parseOne(text: string, where: string): unknown {
  const docs = readDocuments(text, where);
  if (docs.length !== 1) throw new KustomizeLiteError(`${where}: expected one YAML document`);
  return docs[0];
}

function readDocuments(text: string, where: string): unknown[] {
  return parseAllDocuments(text).flatMap((doc) => {
    if (doc.errors.length > 0) throw new KustomizeLiteError(`${where}: ${doc.errors[0]?.message}`);
    const value: unknown = doc.toJS();
    return value === null || value === undefined ? [] : [value];
  });
}

/** Multi-document YAML: Kubernetes objects. */
export function readObjects(path: string): K8sObject[] {
  return readDocuments(readFileSync(path, 'utf8'), path).map((doc) => {
    const o = doc as Partial<K8sObject>;
    if (
      typeof o.kind !== 'string' ||
      typeof o.apiVersion !== 'string' ||
      typeof o.metadata?.name !== 'string'
    ) {
      throw new KustomizeLiteError(`${path}: every document needs apiVersion, kind and metadata.name`);
    }
    return o as K8sObject;
  });
}

const idOf = (o: K8sObject) => `${o.kind}/${o.metadata.namespace ?? ''}/${o.metadata.name}`;

function add(objects: K8sObject[], more: K8sObject[]): K8sObject[] {
  const seen = new Set(objects.map(idOf));
  for (const o of more) {
    if (seen.has(idOf(o))) throw new KustomizeLiteError(`${idOf(o)} is defined twice`);
    seen.add(idOf(o));
  }
  return [...objects, ...more];
}

function applyPatch(objects: K8sObject[], patch: K8sObject, from: string): K8sObject[] {
  const index = objects.findIndex((o) => o.kind === patch.kind && o.metadata.name === patch.metadata.name);
  if (index < 0) throw new KustomizeLiteError(`${from}: no ${patch.kind} ${patch.metadata.name} to patch`);
  return objects.map((o, i) => (i === index ? (strategicMerge(o, patch) as K8sObject) : o));
}

/**
 * Strategic merge as far as our patches need it: maps merge key by key, `null` removes a key, lists
 * of objects that all carry a `name` merge by name (containers, env, volumes, volumeMounts, ports),
 * any other list is replaced. `$patch` directives are refused.
 */
export function strategicMerge(base: unknown, patch: unknown): unknown {
  if (isMap(patch)) {
    if ('$patch' in patch) throw new KustomizeLiteError('$patch directives are not supported');
    const out: Record<string, unknown> = isMap(base) ? { ...base } : {};
    for (const [key, value] of Object.entries(patch)) {
      if (value === null) delete out[key];
      else out[key] = strategicMerge(out[key], value);
    }
    return out;
  }
  if (Array.isArray(patch) && Array.isArray(base) && byName(base) && byName(patch)) {
    // Kustomize puts the patch's new items first, then the base's items (merged where named alike).
    const items = patch as { name: string }[];
    const added = items.filter((item) => !(base as { name: string }[]).some((b) => b.name === item.name));
    const merged = (base as { name: string }[]).map((b) => {
      const item = items.find((i) => i.name === b.name);
      return item === undefined ? b : (strategicMerge(b, item) as { name: string });
    });
    return [...added, ...merged];
  }
  return patch;
}

const isMap = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);
const byName = (list: unknown[]) => list.every((item) => isMap(item) && typeof item.name === 'string');

/** `images:` — every container whose image is `name` (with or without a tag) gets the new name/tag. */
function setImage(o: K8sObject, image: { name: string; newName?: string; newTag?: string }): void {
  for (const container of podContainers(o)) {
    const current = String(container.image);
    const [name, tag] = splitImage(current);
    if (name !== image.name) continue;
    const newTag = image.newTag ?? tag;
    container.image = `${image.newName ?? name}${newTag === undefined ? '' : `:${newTag}`}`;
  }
}

function splitImage(image: string): [string, string | undefined] {
  const slash = image.lastIndexOf('/');
  const colon = image.lastIndexOf(':');
  return colon > slash ? [image.slice(0, colon), image.slice(colon + 1)] : [image, undefined];
}

/** The containers (and init containers) of a workload's pod template. */
export function podContainers(o: K8sObject): Record<string, unknown>[] {
  const spec = ((
    (o.spec as Record<string, unknown> | undefined)?.template as Record<string, unknown> | undefined
  )?.spec ?? undefined) as Record<string, unknown> | undefined;
  if (spec === undefined) return [];
  return [
    ...((spec.containers ?? []) as Record<string, unknown>[]),
    ...((spec.initContainers ?? []) as Record<string, unknown>[]),
  ];
}
