/**
 * The owner's CA carries name constraints listing every bound host, so binding a new host re-issues it. Only a CA
 * someone may have trusted already (the file exists) is worth a warning, and only an owner writes that file.
 */
import { readFileSync } from 'node:fs';
import { MESSAGES } from '../../shared/human-messages.ts';
import { caFilePaths } from '../core/proxy/ca-file.ts';
import { warnLine } from './fail.ts';
import type { CliIo } from './io.ts';
import type { Session } from './session.ts';

/**
 * Call before the change; the returned function warns on stderr if the change re-issued the CA. Only https hosts
 * are intercepted with the CA (a plain-http host is forwarded as it is), so a change that binds none says nothing.
 */
export function watchCaReissue(session: Session, io: CliIo): (hosts: string[]) => Promise<void> {
  const before = session.mode === 'daemon' ? readCaFile(session.home) : undefined;
  return async (hosts) => {
    const intercepted = hosts.filter((h) => h.startsWith('https://'));
    if (before === undefined || intercepted.length === 0) return;
    if (before !== (await session.api.caPem().catch(() => before))) io.err(warnLine(MESSAGES.caReissued(intercepted.join(', '))));
  };
}

function readCaFile(home: string): string | undefined {
  try {
    return readFileSync(caFilePaths(home).caPath, 'utf8');
  } catch {
    return undefined;
  }
}
