/** The service's policies and access keys (SECURITY A1–A6): what setPolicy and the key methods do. */
import type { AccessKeyCreated, AccessKeySummary, CredentialSummary } from '../../shared/model.ts';
import type { AccessKeyInputParsed, Policy } from '../../shared/policy.ts';
import type { AccessAdmin } from './access/access-admin.ts';
import type { AccessStore } from './access/access-store.ts';
import type { CredentialViews } from './credential-views.ts';
import { TokenwardenError } from './base/errors.ts';

interface AccessFacadeParts {
  views: CredentialViews;
  admin: AccessAdmin;
  accessStore: Pick<AccessStore, 'endConnection'>;
}

export class AccessFacade {
  readonly #p: AccessFacadeParts;

  constructor(parts: AccessFacadeParts) {
    this.#p = parts;
  }

  async setPolicy(name: string, policy: Policy | null): Promise<CredentialSummary> {
    const { views } = this.#p;
    views.record(name);
    await this.#p.admin.setPolicy(name, policy);
    return views.view(views.record(name));
  }

  /** `options.connection`: the caller's control connection, which a `whileConnected` key lives no longer than. */
  async createAccessKey(input: AccessKeyInputParsed, options: { connection?: AbortSignal } = {}): Promise<AccessKeyCreated> {
    this.#p.views.requireUnlocked();
    const connection = options.connection;
    if (input.whileConnected && !connection) {
      throw new TokenwardenError('ERR_INVALID_INPUT', 'A key that lives only while its creator is connected is made through the control socket (tkw exec).');
    }
    const created = await this.#p.admin.createKey(input);
    if (input.whileConnected && connection) {
      // The kernel closes the socket however the CLI ends (exit, Ctrl-C, SIGKILL), so the key cannot outlive it.
      const end = (): void => void this.#p.accessStore.endConnection(created.id).catch(() => undefined);
      if (connection.aborted) end();
      else connection.addEventListener('abort', end, { once: true });
    }
    return created;
  }

  async listAccessKeys(): Promise<AccessKeySummary[]> {
    this.#p.views.requireUnlocked();
    return this.#p.admin.list();
  }

  async revokeAccessKey(id: string): Promise<AccessKeySummary> {
    this.#p.views.requireUnlocked();
    return this.#p.admin.revoke(id);
  }
}
