/** Ready-to-paste proxy instructions. The key is a `$TKW_KEY` placeholder: the real key never reaches the renderer. */
import type { ProxyInfo } from '../../../shared/model.ts';

export interface Snippet {
  id: string;
  title: string;
  text: string;
}

export function proxySnippets(info: ProxyInfo, name: string): Snippet[] {
  const port = info.port ?? 8787;
  const base = info.url ?? `http://127.0.0.1:${port}`;
  const n = name || 'NAME';
  return [
    {
      id: 'key',
      title: 'Put the key in your shell (after “Copy proxy key”)',
      text: `read -rs TKW_KEY   # paste the copied key, then Enter\nexport TKW_KEY`,
    },
    {
      id: 'curl',
      title: 'curl through the gateway (plain http, no proxy settings)',
      text: `curl -H "X-Tokenwarden-Key: $TKW_KEY" ${base}/${n}/user`,
    },
    {
      id: 'env',
      title: 'HTTPS_PROXY for tools and SDKs',
      text: `export HTTPS_PROXY="http://${n}:$TKW_KEY@127.0.0.1:${port}"\nexport NO_PROXY=localhost,127.0.0.1${info.caPath ? `\nexport NODE_EXTRA_CA_CERTS="${info.caPath}"` : ''}`,
    },
    {
      id: 'exec',
      title: 'Or let Tokenwarden set it all for one command',
      text: `tokenwarden exec ${n} -- your-command --args`,
    },
    {
      id: 'postman',
      title: 'Postman',
      text: [
        `Request URL:  ${base}/${n}/<path>`,
        'Headers:      X-Tokenwarden-Key = {{TKW_KEY}}   (a secret Postman variable)',
        'Leave Authorization empty: Tokenwarden adds it.',
      ].join('\n'),
    },
  ];
}
