export interface LogLine {
  time: Date;
  text: string;
}

export interface LogReadOptions {
  tailLines?: number;
  sinceSeconds?: number;
  timestamps?: boolean;
  limitBytes?: number;
}

/** What `kubectl logs` reads: one buffer per container run, bounded like a kubelet's log rotation. */
export class ContainerLog {
  private readonly lines: LogLine[] = [];
  private readonly listeners = new Set<(line: LogLine) => void>();

  constructor(
    private readonly maxLines = 5000,
    private readonly now: () => Date = () => new Date(),
  ) {}

  write(text: string): void {
    for (const part of text.split('\n')) {
      const line = { time: this.now(), text: part };
      this.lines.push(line);
      if (this.lines.length > this.maxLines) this.lines.shift();
      for (const l of this.listeners) l(line);
    }
  }

  read(options: LogReadOptions = {}): string {
    let lines = this.lines;
    if (options.sinceSeconds !== undefined) {
      const since = this.now().getTime() - options.sinceSeconds * 1000;
      lines = lines.filter((l) => l.time.getTime() >= since);
    }
    if (options.tailLines !== undefined)
      lines = options.tailLines <= 0 ? [] : lines.slice(-options.tailLines);
    let out = lines.map((l) => ContainerLog.format(l, options.timestamps === true)).join('');
    if (options.limitBytes !== undefined) out = out.slice(0, options.limitBytes);
    return out;
  }

  /** Follows new lines (kubectl logs -f); returns the unsubscribe function. */
  follow(listener: (line: LogLine) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  static format(line: LogLine, timestamps: boolean): string {
    return `${timestamps ? `${line.time.toISOString().replace(/\.(\d{3})Z$/, '.$1000000Z')} ` : ''}${line.text}\n`;
  }
}
