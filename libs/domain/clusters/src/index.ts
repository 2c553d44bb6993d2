export { ClustersModule } from './clusters.module';
export { ClustersService, toClusterResponse } from './clusters.service';
