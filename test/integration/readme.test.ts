// The README's Usage section, tried as typed: the step that puts netsys on the PATH, then every
// command of its block run by bash exactly as written, with only the port 8080 replaced by one the
// kernel picked (servers are stopped with SIGTERM once they listen).
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { finish, netsys, NETSYS, Running, scratchDirPerTest, unusedPort } from './helpers';

const README = fs.readFileSync(path.resolve(__dirname, '../../README.md'), 'utf8');

/** The commands of the first ```sh block after `## Usage`, each as typed. */
function usageCommands(): string[] {
  const usage = README.slice(README.indexOf('## Usage'));
  const block = usage.slice(usage.indexOf('```sh\n') + 6, usage.indexOf('\n```', usage.indexOf('```sh\n')));
  return block.split('\n').filter((line) => line.trim() !== '');
}

/** A command without its trailing `# comment` (a # inside quotes or a word is kept). */
function withoutComment(line: string): string {
  return line.replace(/\s{2,}#\s.*$/, '');
}

describe('README: Usage, as typed', () => {
  const dir = scratchDirPerTest('netsys-readme-');

  it('npm install -g . puts netsys on the PATH', () => {
    const prefix = path.join(dir(), 'prefix');
    execFileSync('npm', ['install', '-g', '.', '--prefix', prefix, '--offline', '--no-audit', '--no-fund', '--no-update-notifier'], {
      cwd: path.resolve(__dirname, '../..'),
      // npm's cache and its logs (cache/_logs) go in the scratch folder, not the user's ~/.npm.
      env: { ...process.env, npm_config_cache: path.join(dir(), 'npm-cache') },
      stdio: 'ignore',
      timeout: 120000,
    });
    const version = execFileSync('bash', ['-c', 'netsys --version'], { env: { ...process.env, PATH: `${path.join(prefix, 'bin')}:${process.env.PATH}` } });
    expect(version.toString().trim()).toMatch(/^\d+\.\d+\.\d+$/);
  }, 130000);

  it('every command of the Usage block runs as written', async () => {
    const bin = path.join(dir(), 'bin');
    fs.mkdirSync(bin);
    fs.symlinkSync(NETSYS, path.join(bin, 'netsys'));
    fs.writeFileSync(path.join(dir(), 'in'), 'a line\n');
    const env = { PATH: `${bin}:${process.env.PATH}`, XDG_STATE_HOME: dir() };
    const port = String(await unusedPort());
    const tcp = netsys(['server', '--poll', '--host', '::', port]);
    const udp = netsys(['server', '-u', '--host', '::', port]);
    await Promise.all([tcp.waitForStderr(/listening on/), udp.waitForStderr(/receiving datagrams on/)]);
    const failures: string[] = [];
    for (const line of usageCommands()) {
      const command = withoutComment(line);
      const isServer = /^netsys server /.test(command);
      const typed = command.replace(/\b8080\b/g, isServer ? String(await unusedPort()) : port);
      const run = new Running('bash', ['-c', `cd "$0" && ${typed}`, dir()], '', env);
      if (isServer) {
        await run.waitForStderr(/listening on|receiving datagrams on/);
        run.child.kill('SIGTERM');
      }
      const { code } = await finish(run, 30000);
      const expected = isServer ? 143 : 0;
      if (code !== expected) failures.push(`${command}: exit ${code}, not ${expected}: ${run.stderr.trim().split('\n').pop()}`);
    }
    tcp.child.kill('SIGTERM');
    udp.child.kill('SIGTERM');
    await Promise.all([finish(tcp), finish(udp)]);
    expect(failures).toEqual([]);
    expect(usageCommands().length).toBeGreaterThan(10);
  }, 120000);
});
