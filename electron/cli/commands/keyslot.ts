/** `tkw keyslot list|add|remove KIND`: keyslots change only when asked (SECURITY S1). */
import type { Command } from 'commander';
import { KeyslotKind } from '../../../shared/model.ts';
import type { CommandContext } from '../context.ts';
import { confirm, promptHidden, readStdinLines } from '../io.ts';
import { usageError } from '../fail.ts';
import { TokenwardenError } from '../../core/base/errors.ts';

const KINDS = KeyslotKind.options.join(', ');

function parseKind(value: string): KeyslotKind {
  const parsed = KeyslotKind.safeParse(value);
  if (!parsed.success) throw usageError(`Unknown keyslot kind "${value.slice(0, 40)}"; use one of: ${KINDS}.`);
  return parsed.data;
}

export function registerKeyslot(program: Command, ctx: CommandContext): void {
  const { io } = ctx;
  const keyslot = program.command('keyslot').summary('list, add or remove the ways the vault can be opened');

  keyslot
    .command('list')
    .summary('show the vault\'s keyslots')
    .action(() =>
      ctx.withSession(async ({ api }) => {
        const status = await api.status();
        io.out(`${status.keyslots.join('\n') || '(none)'}\n`);
      }, { unlock: false }),
    );

  keyslot
    .command('add')
    .summary(`add a keyslot (${KINDS}); os-keyring lets any process that can read your keyring open the vault`)
    .argument('<kind>')
    .option('--passphrase-stdin', 'passphrase slot: read the new passphrase from standard input')
    .action((kindText: string, opts: { passphraseStdin?: boolean }) =>
      ctx.withSession(async ({ api }) => {
        const kind = parseKind(kindText);
        let passphrase: string | undefined;
        if (kind === 'passphrase') {
          if (opts.passphraseStdin || !io.stdin.isTTY) passphrase = (await readStdinLines(io.stdin))[0];
          else {
            passphrase = await promptHidden('New passphrase: ', io);
            if ((await promptHidden('Repeat it: ', io)) !== passphrase) throw usageError('The two passphrases differ; nothing was changed.');
          }
          if (!passphrase) throw usageError('The passphrase is empty.');
        }
        const status = await api.addKeyslot(kind, passphrase);
        io.out(`Added the ${kind} keyslot. Keyslots: ${status.keyslots.join(', ')}.\n`);
      }),
    );

  keyslot
    .command('remove')
    .alias('rm')
    .summary('remove a keyslot (never the last one)')
    .argument('<kind>')
    .option('-y, --yes', 'do not ask for confirmation')
    .action((kindText: string, opts: { yes?: boolean }) =>
      ctx.withSession(async ({ api }) => {
        const kind = parseKind(kindText);
        if (!opts.yes && io.stdin.isTTY && !(await confirm(`Remove the ${kind} keyslot? The vault will no longer open with it.`, io))) {
          throw new TokenwardenError('ERR_CANCELLED', 'Nothing was removed.');
        }
        const status = await api.removeKeyslot(kind);
        io.out(`Removed the ${kind} keyslot. Keyslots: ${status.keyslots.join(', ')}.\n`);
      }),
    );
}
