import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { parse } from 'yaml';
import { REPO_ROOT } from '../../support/paths.js';

/**
 * Holds every REST response the suite receives to openapi/openapi.yaml: status documented for the
 * operation, content type documented for that status, body valid against its schema (JSON Schema
 * 2020-12, as OpenAPI 3.1 says, compiled by ajv from the YAML itself). The spec and the code cannot
 * drift: a field added on one side only fails here.
 */

interface OpenApiDocument {
  readonly paths: Record<string, Record<string, OperationObject>>;
  readonly components: { readonly responses: Record<string, ResponseObject> };
}
interface OperationObject {
  readonly operationId: string;
  readonly responses: Record<string, ResponseObject | { $ref: string }>;
}
interface ResponseObject {
  readonly content?: Record<string, { schema: unknown }>;
  readonly headers?: Record<string, unknown>;
}

export const SPEC_PATH = join(REPO_ROOT, 'openapi', 'openapi.yaml');
const SPEC_ID = 'imprimatur-openapi';

export interface ContractResponse {
  readonly status: number;
  readonly headers: Headers;
  readonly contentType: string;
  readonly text: string;
  /** Parsed JSON for JSON bodies, the text otherwise. */
  readonly body: unknown;
}

export interface ContractRequest {
  readonly method?: string;
  readonly json?: unknown;
  readonly body?: string;
  readonly headers?: Record<string, string>;
}

/** An HTTP client for one service that validates every response and records what it saw. */
export class ContractClient {
  /** `operationId status` of every validated response. */
  readonly seen = new Set<string>();
  private readonly spec: OpenApiDocument;
  private readonly ajv: Ajv2020;
  private readonly validators = new Map<string, ValidateFunction>();

  constructor(private readonly baseUrl: string) {
    const spec = parse(readFileSync(SPEC_PATH, 'utf8')) as OpenApiDocument;
    this.spec = spec;
    // strict: an unknown keyword in the spec's schemas is a spec bug, not something to skip over.
    this.ajv = new Ajv2020({ strict: true, allErrors: true });
    addFormats.default(this.ajv);
    // The whole document is registered so `#/components/schemas/...` refs resolve; only the
    // schema locations inside it are ever compiled.
    this.ajv.addKeyword('openapi').addKeyword('info').addKeyword('servers').addKeyword('security');
    this.ajv.addKeyword('tags').addKeyword('paths').addKeyword('components');
    this.ajv.addSchema({ ...spec, $id: SPEC_ID });
  }

  /** Every `operationId` of the spec, for coverage checks. */
  operationIds(): string[] {
    return Object.values(this.spec.paths).flatMap((item) => Object.values(item).map((op) => op.operationId));
  }

  async request(path: string, init: ContractRequest = {}): Promise<ContractResponse> {
    const method = init.method ?? (init.json === undefined && init.body === undefined ? 'GET' : 'POST');
    const headers: Record<string, string> = { ...init.headers };
    let body = init.body;
    if (init.json !== undefined) {
      body = JSON.stringify(init.json);
      headers['content-type'] ??= 'application/json';
    }
    const res = await fetch(`${this.baseUrl}${path}`, {
      method,
      headers,
      ...(body === undefined ? {} : { body }),
    });
    const text = await res.text();
    const contentType = (res.headers.get('content-type') ?? '').split(';')[0]?.trim() ?? '';
    const parsed = contentType.endsWith('json') && text !== '' ? (JSON.parse(text) as unknown) : text;
    const response = { status: res.status, headers: res.headers, contentType, text, body: parsed };
    this.validate(method, path, response);
    return response;
  }

  private validate(method: string, requestPath: string, response: ContractResponse): void {
    const pathname = new URL(requestPath, 'http://x').pathname;
    const template = this.matchPath(pathname);
    const where = `${method} ${pathname} → ${response.status}`;
    const { operation, methodKey } = this.operationFor(template, method, response.status, where);
    const declared = operation.responses[String(response.status)] ?? operation.responses.default;
    if (declared === undefined)
      throw new Error(`${where}: status not documented for ${operation.operationId}`);
    const resolved = this.resolveResponse(declared);
    const key =
      operation.responses[String(response.status)] === undefined ? 'default' : String(response.status);
    const pointer =
      '$ref' in declared ? declared.$ref : `#/paths/${escape(template)}/${methodKey}/responses/${key}`;
    if (method !== 'HEAD') {
      const media = resolved.content?.[response.contentType];
      if (media === undefined) {
        throw new Error(
          `${where}: content type "${response.contentType}" not documented (has: ${Object.keys(resolved.content ?? {}).join(', ')})`,
        );
      }
      const validate = this.validator(`${pointer}/content/${escape(response.contentType)}/schema`);
      if (!validate(response.body)) {
        throw new Error(
          `${where}: body does not match openapi.yaml: ${this.ajv.errorsText(validate.errors)}\n${response.text}`,
        );
      }
    }
    for (const header of Object.keys(resolved.headers ?? {})) {
      if (!response.headers.has(header)) throw new Error(`${where}: documented header ${header} missing`);
    }
    this.seen.add(`${operation.operationId} ${response.status}`);
  }

  /**
   * The operation the response belongs to. A method the path does not offer has no operation of its
   * own: it must be answered 405, as the path's operations document their 405.
   */
  private operationFor(
    template: string,
    method: string,
    status: number,
    where: string,
  ): { operation: OperationObject; methodKey: string } {
    const item = this.spec.paths[template] ?? {};
    const own = method === 'HEAD' ? 'get' : method.toLowerCase();
    const operation = item[own];
    if (operation !== undefined) return { operation, methodKey: own };
    if (status !== 405)
      throw new Error(`${where}: ${method} is not in openapi.yaml, so only 405 may answer it`);
    const documenting = Object.entries(item).find(([, op]) => op.responses['405'] !== undefined);
    if (documenting === undefined) throw new Error(`${where}: no operation of ${template} documents 405`);
    return { operation: documenting[1], methodKey: documenting[0] };
  }

  private matchPath(pathname: string): string {
    if (this.spec.paths[pathname] !== undefined) return pathname;
    for (const template of Object.keys(this.spec.paths)) {
      const prefix = template.split('{')[0] ?? template;
      // Path parameters here are whole trailing segments ({ref} may hold encoded or raw slashes).
      if (template.includes('{') && pathname.startsWith(prefix) && pathname.length > prefix.length)
        return template;
    }
    throw new Error(`${pathname}: no path in openapi.yaml matches`);
  }

  private resolveResponse(declared: ResponseObject | { $ref: string }): ResponseObject {
    if (!('$ref' in declared)) return declared;
    const name = declared.$ref.replace('#/components/responses/', '');
    const found = this.spec.components.responses[name];
    if (found === undefined) throw new Error(`unresolvable response ref ${declared.$ref}`);
    return found;
  }

  private validator(pointer: string): ValidateFunction {
    let validate = this.validators.get(pointer);
    if (validate === undefined) {
      validate = this.ajv.compile({ $ref: `${SPEC_ID}${pointer}` });
      this.validators.set(pointer, validate);
    }
    return validate;
  }
}

/** JSON Pointer escaping (RFC 6901), then URI-fragment escaping for `{` `}` in path templates. */
function escape(segment: string): string {
  return encodeURIComponent(segment.replaceAll('~', '~0').replaceAll('/', '~1'));
}
