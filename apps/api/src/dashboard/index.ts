export { DASHBOARD_CSP, DASHBOARD_SECURITY_HEADERS } from './dashboard-security-headers';
export { createDashboardHandler, dashboardBuildExists } from './dashboard.handler';
export { DashboardModule } from './dashboard.module';
export { DASHBOARD_OPTIONS, DEFAULT_API_PREFIXES, type DashboardOptions } from './dashboard.options';
