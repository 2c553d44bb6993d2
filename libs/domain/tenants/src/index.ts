export { TenantsModule } from './tenants.module';
export { slugFromName, TenantsService, toTenantResponse } from './tenants.service';
