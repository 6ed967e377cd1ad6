/** The control socket between the CLI and the owner process (daemon or desktop main). */
export { controlSocketPath, CONTROL_SOCKET_NAME, MAX_UNIX_SOCKET_PATH_BYTES } from './control-path.ts';
export type { ControlHandler } from './control-handler.ts';
export { startControlServer, type ControlServer, type ControlServerOptions } from './control-server.ts';
export { connectControl, type ControlClient, type ConnectOptions } from './control-client.ts';
export { createControlApi, CONTROL_METHODS } from './control-api.ts';
export { CONTROL_PROTOCOL_VERSION, DEFAULT_MAX_LINE_BYTES } from './protocol.ts';
