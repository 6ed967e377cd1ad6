/** Reads a V8 .cpuprofile (node --cpu-prof) and says where a process spent its busy time, by category. */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string };
  children?: number[];
}

interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

export interface ProfileShare {
  category: string;
  ms: number;
  /** Share of the busy (non-idle) time, in percent. */
  percent: number;
}

export interface ProfileSummary {
  windowMs: number;
  busyMs: number;
  idlePercent: number;
  shares: ProfileShare[];
}

/** Native frames that are the kernel socket write itself (libuv write/writev under the stream binding). */
const SOCKET_WRITES = new Set(['writev', 'writeBuffer', 'writeLatin1String', 'writeUtf8String', 'writeAsciiString', 'writeUcs2String']);

function categorise(node: ProfileNode): string {
  const { functionName, url } = node.callFrame;
  if (functionName === '(idle)') return 'idle';
  if (functionName === '(garbage collector)') return 'garbage collection';
  if (functionName === '(program)') return 'V8 and native (unattributed)';
  if (functionName === 'runMicrotasks') return 'async hops: nextTick, microtasks, timers (JS)';
  if (!url) return SOCKET_WRITES.has(functionName) ? 'socket writes (kernel, loopback TCP)' : 'other native';
  if (url.startsWith('wasm')) return 'HTTP parsing in undici (llhttp wasm)';
  if (url.includes('/undici/')) return 'undici (JS)';
  if (url.includes('/electron/core/')) return 'Tokenwarden (JS)';
  if (/node:(internal\/)?(_http|http)/.test(url)) return 'node:http (JS)';
  if (/node:(internal\/)?(streams|stream|net|stream_base_commons)/.test(url)) return 'node streams and net (JS)';
  if (/node:internal\/process\/task_queues|node:internal\/timers/.test(url) || functionName === 'runMicrotasks') return 'async hops: nextTick, microtasks, timers (JS)';
  if (/node:(internal\/)?events/.test(url)) return 'event emitters (JS)';
  if (url.startsWith('node:')) return 'other Node internals (JS)';
  return 'other JS';
}

/** Summarises the newest profile in `dir`, skipping the first `skipMs` (start-up and warm-up). */
export function summariseProfile(dir: string, skipMs = 0): ProfileSummary {
  const file = readdirSync(dir).filter((f) => f.endsWith('.cpuprofile')).sort().pop();
  if (!file) throw new Error(`no .cpuprofile in ${dir}`);
  const profile = JSON.parse(readFileSync(join(dir, file), 'utf8')) as Profile;
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const totals = new Map<string, number>();
  let t = 0;
  let window = 0;
  profile.samples.forEach((id, i) => {
    const dt = profile.timeDeltas[i] ?? 0;
    t += dt;
    if (t / 1000 < skipMs) return;
    window += dt;
    const category = categorise(byId.get(id)!);
    totals.set(category, (totals.get(category) ?? 0) + dt);
  });
  const idle = totals.get('idle') ?? 0;
  totals.delete('idle');
  const busy = window - idle;
  const shares = [...totals]
    .map(([category, us]) => ({ category, ms: Math.round(us / 1000), percent: Math.round((1000 * us) / busy) / 10 }))
    .sort((a, b) => b.ms - a.ms);
  return { windowMs: Math.round(window / 1000), busyMs: Math.round(busy / 1000), idlePercent: Math.round((1000 * idle) / window) / 10, shares };
}

/** One sentence for PERFORMANCE.md: the top categories of busy time. */
export function describeProfile(summary: ProfileSummary, top = 4): string {
  const parts = summary.shares.slice(0, top).map((s) => `${s.category} ${s.percent}%`);
  return `busy ${100 - summary.idlePercent}% of the time; of that: ${parts.join(', ')}`;
}
