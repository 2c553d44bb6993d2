/** Which simulated machines are down, as the fault injector decides; read by kubelet and node lifecycle. */
export class NodeHealth {
  private readonly down = new Map<string, number>();
  private readonly listeners = new Set<(node: string, up: boolean) => void>();

  isDown(node: string | undefined): boolean {
    return node !== undefined && this.down.has(node);
  }

  downSince(node: string): number | undefined {
    return this.down.get(node);
  }

  downNodes(): string[] {
    return [...this.down.keys()];
  }

  fail(node: string): void {
    if (this.down.has(node)) return;
    this.down.set(node, Date.now());
    for (const l of this.listeners) l(node, false);
  }

  recover(node: string): void {
    if (!this.down.delete(node)) return;
    for (const l of this.listeners) l(node, true);
  }

  onChange(listener: (node: string, up: boolean) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}
