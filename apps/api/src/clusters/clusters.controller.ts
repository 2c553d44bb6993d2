import { Body, Controller, Get, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Access, type Caller, CurrentCaller, STAFF } from '@bsp/auth';
import type { ClusterResponse } from '@bsp/contracts';
import { ClustersService } from '@bsp/domain-clusters';
import { CreateClusterDto, ListClustersQueryDto } from './clusters.dto';

@ApiTags('clusters')
@ApiBearerAuth()
@Controller('v1/clusters')
export class ClustersController {
  constructor(private readonly clusters: ClustersService) {}

  @Post()
  @Access({ roles: ['platform_admin'] })
  @ApiOperation({ summary: 'Register a Kubernetes cluster (platform admins)' })
  create(@CurrentCaller() caller: Caller, @Body() body: CreateClusterDto): Promise<ClusterResponse> {
    return this.clusters.register(caller, body);
  }

  @Get()
  @Access({ roles: STAFF })
  list(@Query() query: ListClustersQueryDto): Promise<ClusterResponse[]> {
    return this.clusters.list(query);
  }
}
