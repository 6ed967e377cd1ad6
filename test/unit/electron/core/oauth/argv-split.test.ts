import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { TokenwardenError } from '../../../../../electron/core/base/errors.ts';
import { splitArgv } from '../../../../../electron/core/oauth/argv-split.ts';

describe('splitArgv', () => {
  it.each([
    ['gh auth token', ['gh', 'auth', 'token']],
    ['  a \t b\n c  ', ['a', 'b', 'c']],
    ["vault read -field=token 'secret/my app'", ['vault', 'read', '-field=token', 'secret/my app']],
    ['echo "a \\"quoted\\" \\\\ word"', ['echo', 'a "quoted" \\ word']],
    ["echo 'back\\slash kept'", ['echo', 'back\\slash kept']],
    ['echo a\\ b', ['echo', 'a b']],
    ['echo a"b c"d', ['echo', 'ab cd']],
    ['echo ""', ['echo', '']],
    ['echo $HOME ~ *.txt | tee; rm -rf / && `id`', ['echo', '$HOME', '~', '*.txt', '|', 'tee;', 'rm', '-rf', '/', '&&', '`id`']],
  ])('splits %j', (command, argv) => {
    expect(splitArgv(command)).toEqual(argv);
  });

  it.each(['', '   ', 'echo "open', "echo 'open", 'echo trailing\\'])('refuses %j', (command) => {
    expect(() => splitArgv(command)).toThrow(TokenwardenError);
  });

  it('round-trips any argv quoted with single quotes', () => {
    fc.assert(
      fc.property(fc.array(fc.string({ minLength: 1 }).filter((s) => !s.includes("'")), { minLength: 1, maxLength: 6 }), (argv) => {
        expect(splitArgv(argv.map((a) => `'${a}'`).join(' '))).toEqual(argv);
      }),
    );
  });
});
