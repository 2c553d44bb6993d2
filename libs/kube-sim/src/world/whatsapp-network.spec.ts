import { WhatsAppNetwork } from './whatsapp-network';

const endpoint = (pod: string, cluster = 'eu-1') => ({
  cluster,
  namespace: 'n-1',
  pod,
  podUid: `uid-${pod}`,
  container: 'coreapp',
});

describe('WhatsAppNetwork', () => {
  it('keeps one connection per number and kicks the older one', () => {
    const net = new WhatsAppNetwork();
    const kicked: string[] = [];
    const a = net.attach({ number: '+491', ...endpoint('a'), onKicked: () => kicked.push('a') });
    expect(a.connected).toBe(true);
    expect(net.violationCount()).toBe(0);
    const b = net.attach({ number: '+491', ...endpoint('b', 'eu-2'), onKicked: () => kicked.push('b') });
    expect(kicked).toEqual(['a']);
    expect(a.connected).toBe(false);
    expect(b.connected).toBe(true);
    expect(net.holder('+491')?.pod).toBe('b');
    const [v] = net.violations();
    expect(v).toMatchObject({
      number: '+491',
      pods: ['eu-1/n-1/a', 'eu-2/n-1/b'],
      clusters: ['eu-1', 'eu-2'],
      end: null,
    });
    a.reconnect();
    expect(kicked).toEqual(['a', 'b']);
    expect(net.holder('+491')?.pod).toBe('a');
    a.close();
    expect(net.violations()[0]?.end).not.toBeNull();
    expect(net.violationCount()).toBe(1);
    expect(net.connections()).toHaveLength(1);
    expect(b.connected).toBe(false);
  });

  it('records no violation for a sequential handover', () => {
    const net = new WhatsAppNetwork();
    net.attach({ number: '+492', ...endpoint('a') }).close();
    const b = net.attach({ number: '+492', ...endpoint('b') });
    expect(b.connected).toBe(true);
    expect(net.violationCount()).toBe(0);
  });

  it('records no violation when the kicked connection closes at once (dead peer)', () => {
    const net = new WhatsAppNetwork();
    const a = net.attach({ number: '+493', ...endpoint('a'), onKicked: () => a.close() });
    net.attach({ number: '+493', ...endpoint('b') });
    expect(net.violationCount()).toBe(0);
    expect(net.connections().map((c) => c.pod)).toEqual(['b']);
  });
});
