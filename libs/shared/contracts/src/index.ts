export * from './api-keys';
export * from './audit';
export * from './auth';
export * from './clusters';
export * from './numbers';
export * from './pagination';
export * from './tenants';
export * from './users';
