/** Two examples for every command's --help, as gh gives them: one table, so no command is left without. */
import type { Command } from 'commander';

/** Keyed by the command's path below the program (`key create`); `add` carries its own, next to its flag groups. */
export const COMMAND_EXAMPLES: Readonly<Record<string, readonly [string, string]>> = {
  update: ['tkw update github --host https://api.github.com --host https://uploads.github.com', 'tkw update corp-api --upstream-ca ./corp-root.pem'],
  list: ['tkw list', 'tkw list --json | jq -r ".[].name"'],
  show: ['tkw show github', 'tkw show github --json'],
  token: ['tkw token github', 'curl -H "Authorization: Bearer $(tkw token github)" https://api.github.com/user'],
  status: ['tkw status', 'tkw status --json'],
  rm: ['tkw rm old-api', 'tkw rm old-api --yes'],
  login: ['tkw login corp-sso', 'tkw login corp-sso --no-browser'],
  refresh: ['tkw refresh corp-sso', 'tkw refresh ci-client'],
  rotate: ['tkw rotate corp-sso', 'pbpaste | tkw rotate github --token-stdin --expires-in 30d'],
  revoke: ['tkw revoke corp-sso', 'tkw revoke corp-sso --yes'],
  lock: ['tkw lock', 'tkw lock && tkw status'],
  unlock: ['tkw unlock', 'printf %s "$PASSPHRASE" | tkw unlock --passphrase-stdin'],
  exec: ['tkw exec github -- curl https://api.github.com/user', 'tkw exec --sandbox github -- ./agent-script.sh'],
  'proxy-env': ['eval "$(tkw proxy-env github)"', 'tkw proxy-env github --scoped --ttl 1h --shell fish | source'],
  ca: ['tkw ca --path', 'tkw ca --pem > tokenwarden-ca.pem'],
  'proxy-key': ['tkw proxy-key', 'KEY=$(tkw proxy-key --print)'],
  daemon: ['tkw daemon', 'tkw daemon stop'],
  keyslot: ['tkw keyslot list', 'tkw keyslot add os-keyring'],
  'keyslot list': ['tkw keyslot list', 'tkw keyslot add os-keyring && tkw keyslot list'],
  'keyslot add': ['tkw keyslot add os-keyring', 'tkw keyslot add passphrase'],
  'keyslot remove': ['tkw keyslot remove os-keyring', 'tkw keyslot remove passphrase --yes'],
  policy: ['tkw policy github --methods GET,HEAD --paths "/repos/*,/user" --rate 600/min', 'tkw policy github --clear'],
  key: ['tkw key create --for release-api --uses 1 --ttl 15m', 'tkw key list --all'],
  'key create': ['tkw key create --for release-api --uses 1 --ttl 15m --label "deploy #412"', 'tkw key create --for github,jira --methods GET --ttl 8h --json'],
  'key list': ['tkw key list', 'tkw key list --all --json'],
  'key revoke': ['tkw key revoke ak_5te8gJcKeW6t', 'tkw key list --json | jq -r ".[].id" | xargs -n1 tkw key revoke'],
  mcp: ['tkw mcp --allow github,jira', 'tkw mcp config claude --allow github'],
  'mcp config': ['tkw mcp config claude --allow github,jira --key-ttl 1h', 'tkw mcp config codex --allow github >> ~/.codex/config.toml'],
  audit: ['tkw audit --since 1h', 'tkw audit --name github --follow'],
  'audit verify': ['tkw audit verify', 'tkw audit verify --json'],
  stats: ['tkw stats', 'tkw stats --since 24h --json'],
  alerts: ['tkw alerts', 'tkw alerts ack --all'],
  'alerts ack': ['tkw alerts ack al_WdZ2vNGn', 'tkw alerts ack --all'],
  completion: ['source <(tkw completion bash)', 'tkw completion fish | source'],
};

/** Adds each command's examples to its help; every command registered must have them (a test keeps it so). */
export function addExamples(program: Command): void {
  const walk = (command: Command, prefix: string): void => {
    for (const sub of command.commands) {
      const path = `${prefix}${sub.name()}`;
      const examples = COMMAND_EXAMPLES[path];
      if (examples) sub.addHelpText('after', `\nExamples:\n  ${examples.join('\n  ')}\n`);
      walk(sub, `${path} `);
    }
  };
  walk(program, '');
}
