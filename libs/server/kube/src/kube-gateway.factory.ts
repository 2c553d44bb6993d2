import { ClientNodeKubeGateway, type KubeGatewayOptions } from './kube-client-node.gateway';

/** The gateway the worker wires: one per process, closed on shutdown. */
export function createKubeGateway(options: KubeGatewayOptions): ClientNodeKubeGateway {
  return new ClientNodeKubeGateway(options);
}
