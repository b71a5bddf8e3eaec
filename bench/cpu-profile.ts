import { writeFile } from 'node:fs/promises';
import { Session, type Profiler } from 'node:inspector/promises';

/**
 * `--profile`: where the warm path spends its CPU. The V8 profiler runs in this process (where the
 * service runs) during one extra load round after the measured ones, so it never slows a figure.
 * The profile is written for Chrome DevTools / speedscope, and summarised as the `src/` functions
 * with the largest share of busy (non-idle) time, callees included.
 */
export async function profiled<T>(
  path: string,
  work: () => Promise<T>,
): Promise<{ result: T; summary: string[] }> {
  const session = new Session();
  session.connect();
  try {
    await session.post('Profiler.enable');
    await session.post('Profiler.start');
    const result = await work();
    const { profile } = await session.post('Profiler.stop');
    await writeFile(path, JSON.stringify(profile));
    return { result, summary: summarise(profile) };
  } finally {
    session.disconnect();
  }
}

const TOP = 15;
const SOURCE = '/src/';

function summarise(profile: Profiler.Profile): string[] {
  const nodes = new Map(profile.nodes.map((node) => [node.id, node]));
  const parentOf = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parentOf.set(child, node.id);
  const selfTime = new Map<number, number>();
  const deltas = profile.timeDeltas ?? [];
  (profile.samples ?? []).forEach((id, n) => selfTime.set(id, (selfTime.get(id) ?? 0) + (deltas[n] ?? 0)));

  let busy = 0;
  const inclusive = new Map<string, number>();
  for (const [id, time] of selfTime) {
    if (nodes.get(id)?.callFrame.functionName === '(idle)') continue;
    busy += time;
    // Each function counted once per sample, however deep the recursion.
    const seen = new Set<string>();
    for (let at: number | undefined = id; at !== undefined; at = parentOf.get(at)) {
      const frame = nodes.get(at)?.callFrame;
      const index = frame?.url.indexOf(SOURCE) ?? -1;
      if (frame === undefined || index < 0) continue;
      const name = `${frame.functionName || '(anonymous)'} ${frame.url.slice(index + 1)}`;
      if (seen.has(name)) continue;
      seen.add(name);
      inclusive.set(name, (inclusive.get(name) ?? 0) + time);
    }
  }
  return [...inclusive.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, TOP)
    .map(([name, time]) => `${((100 * time) / busy).toFixed(1).padStart(5)}%  ${name}`);
}
