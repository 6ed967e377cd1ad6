import { describe, expect, it } from 'vitest';
import { pathToFileURL } from 'node:url';
import { join } from 'node:path';
import { mcpConfigText, mcpLaunch, stripsTypes, type LaunchContext } from '../../../../electron/cli/mcp-config.ts';

const ROOT = join(import.meta.dirname, '../../../..');
const context = (env: NodeJS.ProcessEnv, nodeVersion = '24.1.0'): LaunchContext => ({
  env,
  execPath: '/opt/node/bin/node',
  nodeVersion,
  moduleUrl: pathToFileURL(join(ROOT, 'electron/cli/mcp-config.ts')).href,
  argv1: undefined,
});

describe('tkw mcp config', () => {
  it('runs this Node and bin/tokenwarden.js by absolute path', () => {
    const { launch } = mcpLaunch(context({}), ['--allow', 'github']);
    expect(launch).toEqual({ command: '/opt/node/bin/node', args: [join(ROOT, 'bin/tokenwarden.js'), 'mcp', '--allow', 'github'], env: {} });
  });

  it('carries the data dir (absolute) but never the passphrase', () => {
    const { launch, warnings } = mcpLaunch(context({ TOKENWARDEN_HOME: 'rel/data', TOKENWARDEN_PASSPHRASE: 'hunter2-canary' }), ['--allow', 'a']);
    expect(launch.env).toEqual({ TOKENWARDEN_HOME: join(process.cwd(), 'rel/data') });
    expect(JSON.stringify(launch)).not.toContain('hunter2-canary');
    expect(warnings.join(' ')).toMatch(/TOKENWARDEN_PASSPHRASE is not copied/);
    expect(warnings.join(' ')).not.toContain('hunter2-canary');
    // The default data dir depends on XDG_CONFIG_HOME, which a desktop agent host may not have.
    expect(mcpLaunch(context({ XDG_CONFIG_HOME: '/home/me/.cfg' }), []).launch.env).toEqual({ XDG_CONFIG_HOME: '/home/me/.cfg' });
  });

  it('warns when this Node runs only the bundle of a checkout', () => {
    expect(mcpLaunch(context({}, '20.20.2'), []).warnings.join(' ')).toMatch(/Node 20\.20\.2 runs this checkout's built bundle but not its sources/);
    expect(mcpLaunch(context({}, '22.18.0'), []).warnings).toEqual([]);
  });

  it('knows which Nodes strip types without a flag', () => {
    expect(['20.20.2', '22.17.1', '23.5.0'].map(stripsTypes)).toEqual([false, false, false]);
    expect(['22.18.0', '23.6.0', '24.0.0', 'v25.1.0'].map(stripsTypes)).toEqual([true, true, true, true]);
  });

  it('escapes paths in JSON and TOML alike', () => {
    const launch = { command: 'C:\\Program Files\\node.exe', args: ['say "hi"', 'del\x7f'], env: { TOKENWARDEN_HOME: 'C:\\tw' } };
    const toml = mcpConfigText('codex', launch);
    expect(toml).toBe(
      '[mcp_servers.tokenwarden]\ncommand = "C:\\\\Program Files\\\\node.exe"\nargs = ["say \\"hi\\"", "del\\u007f"]\nenv = { TOKENWARDEN_HOME = "C:\\\\tw" }\n',
    );
    const json = JSON.parse(mcpConfigText('vscode', launch)) as { servers: { tokenwarden: unknown } };
    expect(json.servers.tokenwarden).toEqual({ type: 'stdio', ...launch });
  });
});
