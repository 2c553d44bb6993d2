export * from './kube-gateway';
