/**
 * How a simulated machine failed: `down` = powered off (its processes are gone); `isolated` = cut
 * off from the rest of the cluster (kubelet silent, pods unreachable) while its processes keep
 * running and can still reach the internet, which is the split-brain case fencing exists for.
 */
export type NodeFailureMode = 'down' | 'isolated';

/** Which simulated machines have failed, as the fault injector decides; read by kubelet and node lifecycle. */
export class NodeHealth {
  private readonly failed = new Map<string, { since: number; mode: NodeFailureMode }>();
  private readonly listeners = new Set<(node: string, up: boolean, mode: NodeFailureMode) => void>();

  /** Failed in either mode: the rest of the cluster cannot reach the node. */
  isDown(node: string | undefined): boolean {
    return node !== undefined && this.failed.has(node);
  }

  isIsolated(node: string | undefined): boolean {
    return node !== undefined && this.failed.get(node)?.mode === 'isolated';
  }

  downSince(node: string): number | undefined {
    return this.failed.get(node)?.since;
  }

  downNodes(): string[] {
    return [...this.failed.keys()];
  }

  fail(node: string, mode: NodeFailureMode = 'down'): void {
    if (this.failed.has(node)) return;
    this.failed.set(node, { since: Date.now(), mode });
    for (const l of this.listeners) l(node, false, mode);
  }

  recover(node: string): void {
    const was = this.failed.get(node);
    if (!was) return;
    this.failed.delete(node);
    for (const l of this.listeners) l(node, true, was.mode);
  }

  onChange(listener: (node: string, up: boolean, mode: NodeFailureMode) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}
