import type { K8sObject } from './kustomize-lite.js';

/**
 * Validates objects against the Kubernetes OpenAPI schemas bundled (compiled) in `kubernetes-models`
 * and `@kubernetes-models/prometheus-operator`: types, required fields, enums and formats such as
 * resource quantities, offline. Those schemas, like the API server's, allow unknown fields; the
 * fields we rely on are checked by deployment-checks.ts.
 */
export async function schemaErrors(o: K8sObject): Promise<string[]> {
  const model = await modelFor(o);
  try {
    model.validate();
    return [];
  } catch (error) {
    return [`${o.kind}/${o.metadata.name}: ${error instanceof Error ? error.message : String(error)}`];
  }
}

interface Validatable {
  validate(): void;
}

async function modelFor(o: K8sObject): Promise<Validatable> {
  const [group, version] = o.apiVersion.includes('/') ? o.apiVersion.split('/') : ['', o.apiVersion];
  const specifier =
    group === 'monitoring.coreos.com'
      ? `@kubernetes-models/prometheus-operator/${group}/${version}/${o.kind}`
      : `kubernetes-models/${group === '' ? '' : `${group}/`}${version}/${o.kind}`;
  let module: Record<string, new (data: unknown) => Validatable>;
  try {
    module = (await import(specifier)) as typeof module;
  } catch {
    throw new Error(`${o.kind}/${o.metadata.name}: no schema for ${o.apiVersion} ${o.kind}`);
  }
  const Model = module[o.kind];
  if (Model === undefined) throw new Error(`${specifier} does not export ${o.kind}`);
  return new Model(o);
}
