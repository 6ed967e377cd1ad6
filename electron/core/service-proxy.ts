/** The service's view of the proxy: where it listens, its CA, and the master proxy key (SECURITY P3). */
import type { CopyResult, ProxyInfo } from '../../shared/model.ts';
import type { ClipboardGuard } from './clipboard/clipboard-guard.ts';
import type { CredentialViews } from './credential-views.ts';
import { TokenwardenError } from './base/errors.ts';
import { caFilePaths, syncCaFiles } from './proxy/ca-file.ts';
import type { ProxyKey } from './proxy-key.ts';
import type { Vault } from './vault/vault.ts';

/** What the service needs of a running proxy; create-service.ts starts it before the service exists. */
export interface ProxyHandle {
  readonly url: string;
  readonly port: number;
  /** The CA being served (created or re-issued as needed); ERR_LOCKED while locked. */
  caPem(): Promise<string>;
  close(): Promise<void>;
}

interface ProxyFacadeParts {
  home: string;
  vault: Pick<Vault, 'isLocked'>;
  views: CredentialViews;
  proxyKey: ProxyKey;
  /** Absent in a one-shot CLI process, which never serves the proxy. */
  proxy: ProxyHandle | undefined;
  strict: boolean;
  clipboard: ClipboardGuard | undefined;
}

export class ProxyFacade {
  readonly #p: ProxyFacadeParts;

  constructor(parts: ProxyFacadeParts) {
    this.#p = parts;
  }

  async proxyInfo(): Promise<ProxyInfo> {
    const { proxy, vault } = this.#p;
    if (proxy && !vault.isLocked()) await this.caPem().catch(() => undefined);
    const key = vault.isLocked() ? undefined : this.#p.proxyKey.current().toString('base64url');
    return {
      running: Boolean(proxy),
      url: proxy?.url ?? null,
      port: proxy?.port ?? null,
      strict: this.#p.strict,
      caPath: proxy ? caFilePaths(this.#p.home).caPath : null,
      keyTail: key ? key.slice(-4) : null,
    };
  }

  async caPem(): Promise<string> {
    const { proxy } = this.#p;
    if (!proxy) throw new TokenwardenError('ERR_NOT_AVAILABLE', 'The proxy is not running, so there is no CA yet.');
    this.#p.views.requireUnlocked();
    const pem = await proxy.caPem();
    // The owner writes ca.pem itself, so the path in proxyInfo always names the CA being served.
    await syncCaFiles(this.#p.home, pem);
    return pem;
  }

  async proxyKey(): Promise<string> {
    return this.#p.proxyKey.current().toString('base64url');
  }

  async rotateProxyKey(): Promise<ProxyInfo> {
    this.#p.views.requireUnlocked();
    await this.#p.proxyKey.rotate();
    return this.proxyInfo();
  }

  async copyProxyKey(): Promise<CopyResult> {
    const { clipboard } = this.#p;
    if (!clipboard) throw new TokenwardenError('ERR_NOT_AVAILABLE', 'There is no clipboard in headless mode; use `tokenwarden proxy-env`.');
    return clipboard.copy(await this.proxyKey());
  }
}
