/** Injection tokens for the infrastructure the reconciler drives (implementations are wired by the worker). */
export const KUBE_GATEWAY = Symbol('KubeGateway');
export const TENANT_DATABASES = Symbol('TenantDatabaseProvisioner');
