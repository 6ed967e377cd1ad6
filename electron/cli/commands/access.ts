/** Access-control commands: `policy` and `key`, registered together. */
import type { Command } from 'commander';
import type { CommandContext } from '../context.ts';
import { registerKey } from './key.ts';
import { registerPolicy } from './policy.ts';

export function registerAccess(program: Command, ctx: CommandContext): void {
  registerPolicy(program, ctx);
  registerKey(program, ctx);
}
