import { KubeApiError } from './kube-gateway';
import {
  KubeRequestTimeoutError,
  kubeApiErrorFromResponse,
  kubeApiErrorFromTransport,
} from './kube-error.mapper';

describe('kube error mapping', () => {
  it('takes reason and message from a Status body', () => {
    const body = JSON.stringify({
      kind: 'Status',
      status: 'Failure',
      reason: 'Conflict',
      message: 'the object has been modified',
      code: 409,
    });
    const e = kubeApiErrorFromResponse('eu-1', 'apply StatefulSet n/core', 409, body);
    expect(e).toBeInstanceOf(KubeApiError);
    expect(e).toMatchObject({ cluster: 'eu-1', status: 409, reason: 'Conflict', retryable: true });
    expect(e.message).toBe(
      'cluster eu-1: apply StatefulSet n/core: 409 Conflict: the object has been modified',
    );
  });

  it('quotes the start of a body that is not a Status', () => {
    const e = kubeApiErrorFromResponse('eu-1', 'get Pod n/p', 502, '<html>\n  bad   gateway</html>');
    expect(e).toMatchObject({ status: 502, reason: undefined, retryable: true });
    expect(e.message).toBe('cluster eu-1: get Pod n/p: 502: <html> bad gateway</html>');
    expect(kubeApiErrorFromResponse('eu-1', 'x', 403, '').retryable).toBe(false);
  });

  it('maps transport failures and timeouts to status 0', () => {
    const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), { code: 'ECONNREFUSED' });
    expect(kubeApiErrorFromTransport('eu-1', 'list pods', refused)).toMatchObject({
      status: 0,
      retryable: true,
      message: 'cluster eu-1: list pods: connect ECONNREFUSED 127.0.0.1:1',
    });
    const reset = Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' });
    expect(kubeApiErrorFromTransport('eu-1', 'get', reset).message).toBe(
      'cluster eu-1: get: ECONNRESET: socket hang up',
    );
    expect(kubeApiErrorFromTransport('eu-1', 'get', new KubeRequestTimeoutError(250)).message).toBe(
      'cluster eu-1: get: no answer within 250 ms',
    );
  });
});
