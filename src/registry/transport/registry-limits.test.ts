import { describe, expect, it } from 'vitest';
import { RegistryLimits, type RefusedBy } from './registry-limits.js';
import { RequestBudget, RequestBudgetError, withRequestBudget } from './request-budget.js';

const url = (host: string) => new URL(`http://${host}/v2/a/manifests/x`);
const turn = () => new Promise((resolve) => setImmediate(resolve));

describe('RegistryLimits', () => {
  it('charges the budget of the request being served, and refuses past it (counted once)', async () => {
    const refusals: RefusedBy[] = [];
    const limits = new RegistryLimits({ perHost: 10, total: 10 }, (by) => refusals.push(by));
    const budget = new RequestBudget({ maxRequests: 3, maxConcurrent: 10 });
    await withRequestBudget(budget, async () => {
      for (let i = 0; i < 3; i++) (await limits.admit(url('r.example'), undefined, 'x'))();
      await expect(limits.admit(url('r.example'), undefined, 'x')).rejects.toBeInstanceOf(RequestBudgetError);
      await expect(limits.admit(url('r.example'), undefined, 'x')).rejects.toMatchObject({
        code: 'TOO_MANY_REGISTRY_REQUESTS',
        message: expect.stringContaining('more than 3 registry requests'),
      });
    });
    expect(budget.spent).toBe(3);
    expect(refusals).toEqual(['request_budget']);
    // Outside any request (start-up, lower-layer tests) nothing is charged.
    (await limits.admit(url('r.example'), undefined, 'x'))();
  });

  it('keeps each request, each host and the process within their numbers in flight', async () => {
    const limits = new RegistryLimits({ perHost: 2, total: 3 });
    const budget = new RequestBudget({ maxRequests: 100, maxConcurrent: 10 });
    const granted: string[] = [];
    const admit = (host: string) =>
      withRequestBudget(budget, () => limits.admit(url(host), undefined, host)).then((release) => {
        granted.push(host);
        return release;
      });
    const a = [admit('a'), admit('a'), admit('a')];
    const b = [admit('b'), admit('b')];
    await turn();
    await turn();
    // Two for host a (its limit), one for b (the process's limit of three).
    expect(granted.sort()).toEqual(['a', 'a', 'b']);
    (await a[0]!)();
    await turn();
    await turn();
    expect(granted).toHaveLength(4);

    const small = new RequestBudget({ maxRequests: 100, maxConcurrent: 1 });
    const wide = new RegistryLimits({ perHost: 10, total: 10 });
    let admitted = 0;
    const first = withRequestBudget(small, () => wide.admit(url('c'), undefined, 'c')).then(
      (r) => (admitted++, r),
    );
    const second = withRequestBudget(small, () => wide.admit(url('c'), undefined, 'c')).then(
      (r) => (admitted++, r),
    );
    await turn();
    expect(admitted).toBe(1);
    (await first)();
    (await second)();
    expect(admitted).toBe(2);
    for (const pending of [...a.slice(1), ...b]) void pending.then((release) => release());
  });

  it('lets a cancelled wait go at once, without sending anything', async () => {
    const limits = new RegistryLimits({ perHost: 1, total: 1 });
    const held = await limits.admit(url('a'), undefined, 'held');
    const controller = new AbortController();
    const waiting = limits.admit(url('a'), controller.signal, 'waiting');
    controller.abort();
    await expect(waiting).rejects.toMatchObject({ code: 'REGISTRY_ABORTED' });
    held();
    (await limits.admit(url('a'), undefined, 'next'))();
  });
});
