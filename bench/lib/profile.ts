import { readFileSync } from 'node:fs';

// Top of a V8 CPU profile (node --cpu-prof): self time per function, as the issue asks before optimising.

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
  children?: number[];
}

interface CpuProfile {
  startTime: number;
  endTime: number;
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

export interface ProfileLine {
  percent: number;
  function: string;
  where: string;
}

/**
 * Self time by function (name + file:line), highest first; packages shown by their node_modules name.
 * `window` keeps only the samples between `fromEndMs` and `toEndMs` before the profile's end (the load,
 * not start-up or shutdown).
 */
export function topOfProfile(
  file: string,
  count = 20,
  window?: { fromEndMs: number; toEndMs: number },
): { lines: ProfileLine[]; byPackage: ProfileLine[]; sampledMs: number } {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const self = new Map<number, number>();
  const from = window ? profile.endTime - window.fromEndMs * 1000 : -Infinity;
  const to = window ? profile.endTime - window.toEndMs * 1000 : Infinity;
  let at = profile.startTime;
  profile.samples.forEach((id, index) => {
    const delta = profile.timeDeltas[index] ?? 0;
    at += delta;
    if (at >= from && at <= to) self.set(id, (self.get(id) ?? 0) + delta);
  });
  const total = [...self.values()].reduce((sum, value) => sum + value, 0);
  const where = (url: string, line: number) => {
    const inPackage = /node_modules\/((?:@[^/]+\/)?[^/]+)\/(.*)$/.exec(url);
    if (inPackage) return `${inPackage[1]}/${inPackage[2]}:${line + 1}`;
    const inRepo = /\/(src\/.*)$/.exec(url);
    return inRepo ? `${inRepo[1]}:${line + 1}` : url ? `${url.replace(/^.*\//, '')}:${line + 1}` : '';
  };
  const packageOf = (url: string) => {
    if (!url) return '(native/runtime)';
    const inPackage = /node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(url);
    if (inPackage) return inPackage[1]!;
    if (/\/src\//.test(url)) return 'pension-aid src/';
    return url.startsWith('node:') ? 'node core' : url.replace(/^.*\//, '');
  };
  const functions = new Map<string, ProfileLine>();
  const packages = new Map<string, ProfileLine>();
  for (const [id, micros] of self) {
    const frame = byId.get(id)!.callFrame;
    const name = frame.functionName || '(anonymous)';
    const key = `${name} ${where(frame.url, frame.lineNumber)}`;
    const line = functions.get(key) ?? { percent: 0, function: name, where: where(frame.url, frame.lineNumber) };
    line.percent += (100 * micros) / total;
    functions.set(key, line);
    const pkgName = frame.url ? packageOf(frame.url) : name.startsWith('(') ? name : '(native/runtime)';
    const pkg = packages.get(pkgName) ?? { percent: 0, function: pkgName, where: '' };
    pkg.percent += (100 * micros) / total;
    packages.set(pkgName, pkg);
  }
  const sorted = (map: Map<string, ProfileLine>) => [...map.values()].sort((left, right) => right.percent - left.percent).slice(0, count);
  return { lines: sorted(functions), byPackage: sorted(packages), sampledMs: total / 1000 };
}
