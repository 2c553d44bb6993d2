import { Body, Controller, Get, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Access, ALL_ROLES, type Caller, CurrentCaller, WRITERS } from '@bsp/auth';
import type { UserResponse } from '@bsp/contracts';
import { UsersService } from '@bsp/domain-users';
import { CreateUserDto, ListUsersQueryDto } from './users.dto';

@ApiTags('users')
@ApiBearerAuth()
@Controller('v1/users')
export class UsersController {
  constructor(private readonly users: UsersService) {}

  @Post()
  @Access({ roles: WRITERS })
  @ApiOperation({
    summary: 'Create a user (tenant admins: users of their tenant; staff roles: platform admins)',
  })
  create(@CurrentCaller() caller: Caller, @Body() body: CreateUserDto): Promise<UserResponse> {
    return this.users.create(caller, body);
  }

  @Get()
  @Access({ roles: ALL_ROLES })
  list(@CurrentCaller() caller: Caller, @Query() query: ListUsersQueryDto): Promise<UserResponse[]> {
    return this.users.list(caller, query.tenantId);
  }
}
