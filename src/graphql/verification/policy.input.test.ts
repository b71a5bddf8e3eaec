import 'reflect-metadata';
import { describe, expect, it } from 'vitest';
import { PolicyInput, toPolicy } from './policy.input.js';

const ISSUER = 'https://token.actions.githubusercontent.com';

describe('toPolicy', () => {
  it('drops provenance fields GraphQL sent as null, so the policy (and its cache key) is unchanged', () => {
    const input = Object.assign(new PolicyInput(), {
      certificateIdentity: 'a@example.com',
      certificateOidcIssuer: ISSUER,
      sourceRepositoryRef: null,
      sourceRepositoryRefRegexp: null,
      repo: null,
      denySelfHostedRunners: null,
    });
    expect(toPolicy(input)).toEqual({ certificateIdentity: 'a@example.com', certificateOidcIssuer: ISSUER });
  });

  it('keeps the gh conditions it is given', () => {
    const input = Object.assign(new PolicyInput(), {
      certificateOidcIssuer: ISSUER,
      repo: 'acme/app',
      sourceRef: 'refs/tags/v1',
      denySelfHostedRunners: true,
    });
    expect(toPolicy(input)).toEqual({
      certificateOidcIssuer: ISSUER,
      repo: 'acme/app',
      sourceRef: 'refs/tags/v1',
      denySelfHostedRunners: true,
    });
  });
});
