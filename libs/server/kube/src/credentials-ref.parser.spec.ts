import { parseCredentialsRef } from './credentials-ref.parser';

describe('parseCredentialsRef', () => {
  it('parses the three forms', () => {
    expect(parseCredentialsRef('in-cluster')).toEqual({ type: 'in-cluster' });
    expect(parseCredentialsRef('kubeconfig:/etc/kube/config#eu-1')).toEqual({
      type: 'kubeconfig',
      path: '/etc/kube/config',
      context: 'eu-1',
    });
    expect(parseCredentialsRef('kubeconfig:/etc/kube/config')).toEqual({
      type: 'kubeconfig',
      path: '/etc/kube/config',
    });
    expect(parseCredentialsRef('secret:bsp-system/cluster-eu-1')).toEqual({
      type: 'secret',
      namespace: 'bsp-system',
      name: 'cluster-eu-1',
      key: 'kubeconfig',
    });
    expect(parseCredentialsRef('secret:bsp-system/cluster-eu-1#config')).toMatchObject({ key: 'config' });
  });

  it('explains what is wrong', () => {
    expect(parseCredentialsRef('kubeconfig:#ctx')).toEqual({
      error: 'kubeconfig reference without a file path',
    });
    expect(parseCredentialsRef('kubeconfig:/x#')).toEqual({
      error: 'kubeconfig reference with an empty context after #',
    });
    expect(parseCredentialsRef('secret:only-name')).toEqual({
      error: 'secret reference must be secret:<namespace>/<name>[#<key>]',
    });
    expect(parseCredentialsRef('vault:x')).toEqual({
      error: 'unknown credentials reference (expected kubeconfig:, secret: or in-cluster)',
    });
  });
});
