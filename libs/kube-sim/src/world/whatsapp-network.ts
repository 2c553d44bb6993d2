import { EventEmitter } from 'node:events';

/** Who is on the other end of a connection: enough to tell two instances of one number apart. */
export interface WhatsAppEndpoint {
  cluster: string;
  namespace: string;
  pod: string;
  podUid: string;
  container: string;
  node?: string;
  zone?: string;
  /** Fencing epoch the instance was started with, when its configuration carries one. */
  epoch?: string;
}

export interface WhatsAppConnection extends WhatsAppEndpoint {
  id: string;
  number: string;
  /** `connected` holds the number; `kicked` lost it to a newer connection and is still running. */
  state: 'connected' | 'kicked';
  since: string;
}

export interface WhatsAppViolation {
  number: string;
  pods: string[];
  clusters: string[];
  instances: WhatsAppEndpoint[];
  start: string;
  /** null while the overlap lasts. */
  end: string | null;
}

export interface WhatsAppSession {
  readonly id: string;
  readonly number: string;
  /** true while this session holds the number. */
  readonly connected: boolean;
  /** Takes the number again (kicking whoever holds it) if this session lost it. */
  reconnect(): void;
  /** The instance stops or its connection drops for good: it no longer counts as running. */
  close(): void;
}

export interface AttachOptions extends WhatsAppEndpoint {
  number: string;
  /** Called when a newer connection for the same number takes it away. */
  onKicked?: () => void;
}

interface SessionState {
  id: string;
  number: string;
  endpoint: WhatsAppEndpoint;
  connected: boolean;
  since: Date;
  onKicked?: () => void;
}

/**
 * The WhatsApp service as the instances see it, shared by every cluster of one simulation.
 *
 * One number has at most one live connection; a new connection kicks the older one, as WhatsApp
 * does. A kicked instance is still running and will try again, so a violation lasts as long as two
 * or more instances of one number are attached (connected or kicked), not just the instant of the
 * kick: that whole period is what gets a real number banned.
 */
export class WhatsAppNetwork extends EventEmitter {
  private readonly sessions = new Map<string, Map<string, SessionState>>();
  private readonly openViolations = new Map<string, WhatsAppViolation>();
  private readonly closedViolations: WhatsAppViolation[] = [];
  private nextId = 1;

  constructor(private readonly now: () => Date = () => new Date()) {
    super();
  }

  attach(options: AttachOptions): WhatsAppSession {
    const { number, onKicked, ...endpoint } = options;
    const id = `wa-${this.nextId++}`;
    const state: SessionState = { id, number, endpoint, connected: false, since: this.now(), onKicked };
    let forNumber = this.sessions.get(number);
    if (!forNumber) {
      forNumber = new Map();
      this.sessions.set(number, forNumber);
    }
    forNumber.set(id, state);
    this.takeOver(state);
    this.updateViolation(number);
    const isAttached = () => this.sessions.get(number)?.has(id) === true;
    return {
      id,
      number,
      get connected() {
        return state.connected && isAttached();
      },
      reconnect: () => {
        if (this.sessions.get(number)?.has(id) && !state.connected) this.takeOver(state);
      },
      close: () => this.detach(number, id),
    };
  }

  connections(): WhatsAppConnection[] {
    const out: WhatsAppConnection[] = [];
    for (const [number, forNumber] of this.sessions) {
      for (const s of forNumber.values()) {
        out.push({
          id: s.id,
          number,
          ...s.endpoint,
          state: s.connected ? 'connected' : 'kicked',
          since: s.since.toISOString(),
        });
      }
    }
    return out;
  }

  /** The instance holding the number right now, if any. */
  holder(number: string): WhatsAppConnection | undefined {
    return this.connections().find((c) => c.number === number && c.state === 'connected');
  }

  violations(): WhatsAppViolation[] {
    return [...this.closedViolations, ...this.openViolations.values()].map((v) => ({
      ...v,
      pods: [...v.pods],
      clusters: [...v.clusters],
      instances: v.instances.map((i) => ({ ...i })),
    }));
  }

  violationCount(): number {
    return this.closedViolations.length + this.openViolations.size;
  }

  private takeOver(state: SessionState): void {
    const forNumber = this.sessions.get(state.number);
    if (!forNumber) return;
    const kicked: SessionState[] = [];
    for (const other of forNumber.values()) {
      if (other.id !== state.id && other.connected) {
        other.connected = false;
        other.since = this.now();
        kicked.push(other);
      }
    }
    state.connected = true;
    state.since = this.now();
    this.emit('change');
    for (const k of kicked) {
      this.emit('kicked', { number: state.number, kicked: k.endpoint, by: state.endpoint });
      k.onKicked?.();
    }
  }

  private detach(number: string, id: string): void {
    const forNumber = this.sessions.get(number);
    if (!forNumber?.delete(id)) return;
    if (forNumber.size === 0) this.sessions.delete(number);
    this.updateViolation(number);
    this.emit('change');
  }

  private updateViolation(number: string): void {
    const attached = [...(this.sessions.get(number)?.values() ?? [])];
    const open = this.openViolations.get(number);
    if (attached.length >= 2) {
      const v = open ?? {
        number,
        pods: [],
        clusters: [],
        instances: [],
        start: this.now().toISOString(),
        end: null,
      };
      for (const s of attached) {
        const pod = `${s.endpoint.cluster}/${s.endpoint.namespace}/${s.endpoint.pod}`;
        if (!v.pods.includes(pod)) {
          v.pods.push(pod);
          v.instances.push({ ...s.endpoint });
        }
        if (!v.clusters.includes(s.endpoint.cluster)) v.clusters.push(s.endpoint.cluster);
      }
      if (!open) {
        this.openViolations.set(number, v);
        this.emit('violation', v);
      }
    } else if (open) {
      open.end = this.now().toISOString();
      this.openViolations.delete(number);
      this.closedViolations.push(open);
    }
  }
}
