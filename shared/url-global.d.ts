/**
 * `shared/` compiles without DOM or Node types, yet the WHATWG URL class exists in every runtime
 * it runs in (Node, Chromium, Electron). Declare just the members we use.
 */
declare class URL {
  constructor(input: string, base?: string);
  readonly protocol: string;
  readonly hostname: string;
  readonly host: string;
  readonly port: string;
  readonly origin: string;
  readonly pathname: string;
  readonly search: string;
  readonly hash: string;
  readonly username: string;
  readonly password: string;
  readonly href: string;
}
