/** `tkw list [--json]` with a running owner, as electron/cli/commands/read.ts prints it. */
import type { CredentialSummary } from '../../../shared/model.ts';
import { formatList } from '../format.ts';
import type { FastCall } from './fast-client.ts';
import { printJson, type FastIo } from './fast-io.ts';

export async function runList(owner: FastCall, io: FastIo, json: boolean): Promise<void> {
  const items = (await owner.call('list', [])) as CredentialSummary[];
  if (json) printJson(io, items);
  else io.out(`${formatList(items, Date.now(), io.color)}\n`);
}
