/** What every command gets: terminal I/O and a scoped session that is always closed. */
import type { CliIo } from './io.ts';
import { openSession, type Session, type SessionOptions } from './session.ts';

export interface CommandContext {
  io: CliIo;
  withSession<T>(fn: (session: Session) => Promise<T>, options?: SessionOptions): Promise<T>;
  /** Exit code requested by a command that ran a child (exec); undefined means 0. */
  exitCode?: number;
  /** The global `--accept-rollback` (S-rollback). */
  acceptRollback?: boolean;
}

export function createContext(io: CliIo): CommandContext {
  const ctx: CommandContext = {
    io,
    async withSession(fn, options) {
      const session = await openSession(io, { acceptRollback: ctx.acceptRollback, ...options });
      try {
        return await fn(session);
      } finally {
        await session.close();
      }
    },
  };
  return ctx;
}

export function printJson(io: CliIo, value: unknown): void {
  io.out(`${JSON.stringify(value, null, 2)}\n`);
}
