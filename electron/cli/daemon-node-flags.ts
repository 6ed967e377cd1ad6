/**
 * How a long-running owner (`tkw daemon`) is started, wherever Tokenwarden starts one: the detached
 * `tkw daemon start`, `npm start`, and the `tkw` shebang for `tkw daemon --foreground`. Both have to be given at
 * start: V8 sizes its heap when the isolate is created, and glibc reads its tunables when the process starts.
 *
 * - V8 grows the young generation to 64 MB per semi-space under a sustained allocation rate, and the proxy
 *   allocates per request: an owner at c=200 sat at ~300 MB RSS, about 128 MB of it new space that never shrank.
 *   16 MB semi-spaces brought the peak to ~170-180 MB with no throughput change measurable in `bench:proxy`
 *   (8 MB was worse on both counts).
 * - In a 10-minute soak the live JS heap stayed at ~19 MB while RSS crept up 20 %: glibc's per-thread malloc
 *   arenas (the fs and crypto thread pool) holding freed memory. Two arenas keep that flat (it has no effect
 *   with other C libraries).
 */
export const DAEMON_NODE_FLAGS: readonly string[] = ['--max-semi-space-size=16'];

export const DAEMON_ENV: Readonly<Record<string, string>> = { MALLOC_ARENA_MAX: '2' };
