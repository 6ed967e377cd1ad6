/**
 * Splits an exec credential's command into argv; there is never a shell, so no expansion of any kind.
 *
 * Rules:
 * - Unquoted whitespace (space, tab, newline) separates arguments; runs of it count once.
 * - `'…'` is literal: every character up to the next `'` is kept, backslashes included.
 * - `"…"` keeps everything literally except `\"` and `\\`, which become `"` and `\`.
 * - Outside quotes, `\x` is the character `x` (so `\ ` is a space inside an argument).
 * - Quotes join with adjacent text: `a"b c"d` is the single argument `ab cd`; `""` is an empty argument.
 * - `$VAR`, `~`, globs, `|`, `;`, `&&`, `>` and backticks have no meaning: they are passed as text.
 * - An unclosed quote or a trailing lone backslash is an error.
 */
import { TokenwardenError } from '../base/errors.ts';

export function splitArgv(command: string): string[] {
  const args: string[] = [];
  let current = '';
  let started = false;
  let i = 0;
  const fail = (why: string): never => {
    throw new TokenwardenError('ERR_INVALID_INPUT', `The command cannot be parsed: ${why}.`);
  };
  while (i < command.length) {
    const ch = command[i]!;
    if (ch === ' ' || ch === '\t' || ch === '\n' || ch === '\r') {
      if (started) args.push(current);
      current = '';
      started = false;
      i += 1;
    } else if (ch === "'") {
      const end = command.indexOf("'", i + 1);
      if (end === -1) fail('unclosed single quote');
      current += command.slice(i + 1, end);
      started = true;
      i = end + 1;
    } else if (ch === '"') {
      started = true;
      i += 1;
      for (;;) {
        if (i >= command.length) fail('unclosed double quote');
        const c = command[i]!;
        if (c === '"') break;
        if (c === '\\' && (command[i + 1] === '"' || command[i + 1] === '\\')) {
          current += command[i + 1];
          i += 2;
        } else {
          current += c;
          i += 1;
        }
      }
      i += 1;
    } else if (ch === '\\') {
      if (i + 1 >= command.length) fail('trailing backslash');
      current += command[i + 1];
      started = true;
      i += 2;
    } else {
      current += ch;
      started = true;
      i += 1;
    }
  }
  if (started) args.push(current);
  if (args.length === 0) fail('it is empty');
  return args;
}
