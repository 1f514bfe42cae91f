// The server's life cycle in the real host: manual restart, and an automatic restart after a crash.
import * as assert from 'assert';
import * as vscode from 'vscode';
import { activated, Api, diagnosticsFor, fixtureUri, openFixture, waitFor } from './helpers';

function serverPid(api: Api): number | undefined {
  return (api.client as { serverProcess?: { pid?: number } }).serverProcess?.pid;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe('server life cycle', () => {
  let api: Api;
  before(async () => {
    api = await activated();
    await openFixture('arch/x86/xen/smp_hvm.c');
    await diagnosticsFor(fixtureUri('arch/x86/xen/smp_hvm.c'), (x) => x.length === 1);
  });

  it('"Hotplug: Restart language server" starts a new server that publishes again', async () => {
    const before = serverPid(api);
    assert.ok(before, 'the server runs as a child process');
    await vscode.commands.executeCommand('hotplugRace.restartServer');
    const after = await waitFor('a new server process', () => {
      const pid = serverPid(api);
      return pid && pid !== before ? pid : undefined;
    });
    assert.equal(alive(before), false, 'the old server has exited');
    assert.ok(alive(after));
    await waitFor('status ready', () => (api.status.state === 'ready' ? true : undefined));
    await diagnosticsFor(fixtureUri('arch/x86/xen/smp_hvm.c'), (x) => x.length === 1 && x[0].range.start.line === 14);
  });

  it('a crashed server is restarted and the status says so', async () => {
    const pid = serverPid(api)!;
    const states: string[] = [];
    const sub = (api.status as unknown as { onDidChange: vscode.Event<string> }).onDidChange((s) => states.push(s));
    try {
      process.kill(pid, 'SIGKILL');
      const next = await waitFor('a restarted server', () => {
        const p = serverPid(api);
        return p && p !== pid && api.status.state === 'ready' ? p : undefined;
      });
      assert.ok(alive(next));
      assert.ok(states.includes('crashed-restarting'), `status went through crashed-restarting: ${states.join(' → ')}`);
      // The restarted server knows the open document again.
      const uri = fixtureUri('arch/x86/xen/smp_hvm.c');
      const hovers = await waitFor('hover from the new server', async () => {
        const h = await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', uri, new vscode.Position(14, 10));
        return h.length ? h : undefined;
      });
      assert.ok(hovers.length > 0);
    } finally {
      sub.dispose();
    }
  });

  it('gives up after 5 crashes in 3 minutes, says so, and the restart command revives it', async () => {
    // One crash happened in the previous test; the budget allows 5 in the window.
    let crashes = 1;
    while (api.status.state !== 'stopped') {
      const pid = await waitFor('a running server', () => serverPid(api) ?? (api.status.state === 'stopped' ? -1 : undefined));
      if (pid === -1) break;
      process.kill(pid, 'SIGKILL');
      crashes++;
      await waitFor('restart or stop', () => (serverPid(api) !== pid || api.status.state === 'stopped' ? true : undefined));
      assert.ok(crashes <= 6, `still restarting after ${crashes} crashes`);
    }
    assert.equal(crashes, 6, 'the sixth crash in the window stops the server');
    assert.equal(serverPid(api), undefined);
    assert.match(api.status.detail ?? '', /crashed more than 5 times in 3 minutes and will not be restarted/);
    await vscode.commands.executeCommand('hotplugRace.restartServer');
    await waitFor('status ready', () => (api.status.state === 'ready' ? true : undefined));
    await diagnosticsFor(fixtureUri('arch/x86/xen/smp_hvm.c'), (x) => x.length === 1);
  });
});
