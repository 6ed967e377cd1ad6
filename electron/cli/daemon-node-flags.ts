/**
 * Node flags for a long-running owner (`tkw daemon`), passed wherever Tokenwarden starts one: the detached
 * `tkw daemon start`, `npm start`, and the `tkw` shebang for `tkw daemon --foreground`.
 *
 * V8 grows the young generation to 64 MB per semi-space under a sustained allocation rate, and the proxy
 * allocates per request: an owner at c=200 sat at ~300 MB RSS, about 128 MB of it new space that never shrank.
 * 16 MB semi-spaces brought the peak to ~180 MB with no throughput change measurable in `bench:proxy`
 * (docs/PERFORMANCE.md). A flag has to be given at start: V8 sizes the heap when the isolate is created.
 */
export const DAEMON_NODE_FLAGS: readonly string[] = ['--max-semi-space-size=16'];
