/**
 * The argv shapes the fast path answers: exactly `token NAME`, `list`/`ls` and `status`, each with `--json` where
 * the full command has it. Anything else (another flag, --help, a global option, a name commander would read as an
 * option) is commander's to parse, so it goes the full way.
 */

export type FastCommand = { name: 'token'; credential: string } | { name: 'list'; json: boolean } | { name: 'status'; json: boolean };

/** The first words bin/tokenwarden.js looks for before it loads the fast entry at all. */
export const FAST_COMMAND_WORDS: readonly string[] = ['token', 'list', 'ls', 'status'];

export function parseFastArgv(argv: readonly string[]): FastCommand | undefined {
  const [word, second, ...rest] = argv;
  if (rest.length > 0) return undefined;
  if (word === 'token') {
    // A leading dash is an option (or `--`) to commander, never a name.
    return second !== undefined && second !== '' && !second.startsWith('-') ? { name: 'token', credential: second } : undefined;
  }
  if (second !== undefined && second !== '--json') return undefined;
  const json = second === '--json';
  if (word === 'list' || word === 'ls') return { name: 'list', json };
  if (word === 'status') return { name: 'status', json };
  return undefined;
}
