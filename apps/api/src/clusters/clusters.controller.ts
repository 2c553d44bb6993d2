import { Body, Controller, Get, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Access, type Caller, CurrentCaller, STAFF } from '@bsp/auth';
import type { ClusterResponse } from '@bsp/contracts';
import { ClustersService } from '@bsp/domain-clusters';
import { uuidParam } from '../common/uuid-param.pipe';
import { CreateClusterDto, ListClustersQueryDto, UpdateClusterDto } from './clusters.dto';

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

  @Patch(':clusterId')
  @Access({ roles: STAFF })
  @ApiOperation({
    summary: 'Staff: cordon (no new numbers), reactivate or retire a cluster, or change its capacity',
  })
  update(
    @CurrentCaller() caller: Caller,
    @Param('clusterId', uuidParam('clusterId')) id: string,
    @Body() body: UpdateClusterDto,
  ): Promise<ClusterResponse> {
    return this.clusters.update(caller, id, body);
  }

  @Get()
  @Access({ roles: STAFF })
  list(@Query() query: ListClustersQueryDto): Promise<ClusterResponse[]> {
    return this.clusters.list(query);
  }
}
