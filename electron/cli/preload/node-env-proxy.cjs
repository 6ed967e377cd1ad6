'use strict';
// Loaded through NODE_OPTIONS=--require by `tkw exec` and `tkw proxy-env`. Node 22.21+ and 24 send fetch
// (and, from 24.5, http/https) through HTTP(S)_PROXY when NODE_USE_ENV_PROXY=1 is set; older Node ignores
// the proxy variables, so its fetch would go out directly and without a token. Here the global fetch
// dispatcher becomes undici's EnvHttpProxyAgent, which reads the same variables (and NO_PROXY).
// Plain CommonJS on purpose: it must run under any Node, with no type stripping and no ESM loader.
(function installEnvProxy() {
  const [major, minor] = process.versions.node.split('.').map(Number);
  const nativeSupport = major >= 24 || (major === 22 && minor >= 21);
  // `always` lets the tests exercise this path on a Node that would not need it.
  if (nativeSupport && process.env.TOKENWARDEN_ENV_PROXY_PRELOAD !== 'always') return;
  if (!process.env.HTTPS_PROXY && !process.env.HTTP_PROXY && !process.env.https_proxy && !process.env.http_proxy) return;
  // tkw itself, started in a shell that ran `eval "$(tkw proxy-env)"`: it talks to the owner, not through the
  // proxy, and re-runs itself on a current Node anyway; a warning on every command would only be noise.
  if (/(^|[\\/])(tkw|tokenwarden)(\.js)?$/.test(process.argv[1] || '')) return;
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- CommonJS on purpose (see above).
    const { EnvHttpProxyAgent, setGlobalDispatcher } = require('undici');
    setGlobalDispatcher(new EnvHttpProxyAgent());
  } catch (err) {
    process.stderr.write(`tokenwarden: warning: could not route fetch through the proxy on Node ${process.versions.node} (${err && err.code ? err.code : 'undici failed to load'}); upgrade to Node 22.21 or later.\n`);
  }
})();
