import { spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';

/**
 * Child processes a test starts, each in its own process group, so that killing one kills whatever
 * it started too (the Playground's own children, a tsx loader). `killAll` runs in afterAll/afterEach
 * and on failure alike, so jest never waits on a process a failed test left behind.
 */
export class Processes {
  private readonly children: ChildProcess[] = [];

  spawn(command: string, args: string[], options: SpawnOptions = {}): ChildProcess {
    const child = spawn(command, args, { ...options, detached: true });
    this.children.push(child);
    return child;
  }

  /** Signals the child's whole process group (a no-op for one already gone). */
  static kill(child: ChildProcess, signal: NodeJS.Signals = 'SIGKILL'): void {
    if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
    try {
      process.kill(-child.pid, signal);
    } catch {
      // Already gone.
    }
  }

  killAll(signal: NodeJS.Signals = 'SIGKILL'): void {
    for (const child of this.children.splice(0)) Processes.kill(child, signal);
  }
}
