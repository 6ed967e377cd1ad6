/** The loopback proxy's public surface. */
export { startProxy, type ProxyOptions, type ProxyServer } from './server.ts';
export { writeCaBundle } from './ca-bundle.ts';
export { generateCa, mintLeaf, loadCa, nameConstraintsExtension, canonicalHostnames, type CaMaterial } from './ca.ts';
export type { AccessTokenOptions, ProxyBackend, ProxyCredential, UsageEvent } from './backend.ts';
