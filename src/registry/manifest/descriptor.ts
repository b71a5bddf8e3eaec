import { isDigest } from '../digest.js';
import { RegistryError } from '../errors.js';
import type { Descriptor, Platform } from '../types.js';

/**
 * Field-by-field readers for untrusted manifest JSON. Everything a registry sends is hostile until
 * proven otherwise: each value is type-checked and copied into a fresh object, so nothing unexpected
 * (prototype keys, getters, huge nested junk) travels further than this file.
 */

export type JsonObject = Readonly<Record<string, unknown>>;

export function invalid(message: string): RegistryError {
  return new RegistryError('INVALID_MANIFEST', message);
}

export function isJsonObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function optionalString(object: JsonObject, key: string, where: string): string | undefined {
  const value = object[key];
  if (value === undefined) return undefined;
  if (typeof value !== 'string') throw invalid(`${where}.${key} must be a string`);
  return value;
}

function requiredString(object: JsonObject, key: string, where: string): string {
  const value = optionalString(object, key, where);
  if (value === undefined) throw invalid(`${where}.${key} is missing`);
  return value;
}

function stringArray(value: unknown, where: string): string[] {
  if (!Array.isArray(value) || !value.every((v): v is string => typeof v === 'string')) {
    throw invalid(`${where} must be an array of strings`);
  }
  return [...value];
}

export function optionalAnnotations(object: JsonObject, where: string): Record<string, string> | undefined {
  const value = object.annotations;
  if (value === undefined || value === null) return undefined;
  if (!isJsonObject(value)) throw invalid(`${where}.annotations must be an object`);
  // A null-prototype map: annotation keys are registry-chosen and must not reach Object.prototype.
  const out = Object.create(null) as Record<string, string>;
  for (const [key, entry] of Object.entries(value)) {
    if (typeof entry !== 'string')
      throw invalid(`${where}.annotations["${key.slice(0, 80)}"] must be a string`);
    out[key] = entry;
  }
  return out;
}

function parsePlatform(value: unknown, where: string): Platform {
  if (!isJsonObject(value)) throw invalid(`${where} must be an object`);
  const variant = optionalString(value, 'variant', where);
  const osVersion = optionalString(value, 'os.version', where);
  const osFeatures = value['os.features'];
  return {
    os: requiredString(value, 'os', where),
    architecture: requiredString(value, 'architecture', where),
    ...(variant === undefined ? {} : { variant }),
    ...(osVersion === undefined ? {} : { 'os.version': osVersion }),
    ...(osFeatures === undefined || osFeatures === null
      ? {}
      : { 'os.features': stringArray(osFeatures, `${where}.os.features`) }),
  };
}

/** Parses one content descriptor; digests must be well-formed (any algorithm: we only fetch sha256). */
export function parseDescriptor(value: unknown, where: string): Descriptor {
  if (!isJsonObject(value)) throw invalid(`${where} must be an object`);
  const mediaType = requiredString(value, 'mediaType', where);
  const digest = requiredString(value, 'digest', where);
  if (!isDigest(digest)) throw invalid(`${where}.digest "${digest.slice(0, 100)}" is not a valid digest`);
  const size = value.size;
  if (typeof size !== 'number' || !Number.isSafeInteger(size) || size < 0) {
    throw invalid(`${where}.size must be a non-negative integer`);
  }
  const annotations = optionalAnnotations(value, where);
  const artifactType = optionalString(value, 'artifactType', where);
  return {
    mediaType,
    digest,
    size,
    ...(value.platform === undefined || value.platform === null
      ? {}
      : { platform: parsePlatform(value.platform, `${where}.platform`) }),
    ...(annotations === undefined ? {} : { annotations }),
    ...(artifactType === undefined ? {} : { artifactType }),
    ...(value.urls === undefined || value.urls === null
      ? {}
      : { urls: stringArray(value.urls, `${where}.urls`) }),
  };
}

export function parseDescriptorList(value: unknown, where: string): Descriptor[] {
  if (!Array.isArray(value)) throw invalid(`${where} must be an array`);
  return value.map((entry: unknown, i) => parseDescriptor(entry, `${where}[${i}]`));
}
