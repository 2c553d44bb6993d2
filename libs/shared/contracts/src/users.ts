import type { UserRole } from './auth';

export interface CreateUserRequest {
  email: string;
  password: string;
  role: UserRole;
  tenantId?: string;
  displayName?: string;
}

export interface UserResponse {
  id: string;
  email: string;
  displayName: string | null;
  role: UserRole;
  tenantId: string | null;
  disabled: boolean;
  lastLoginAt: string | null;
  createdAt: string;
}
