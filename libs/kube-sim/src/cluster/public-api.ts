export {
  startSimulation,
  DEFAULT_CLUSTERS,
  type Simulation,
  type SimulationOptions,
  type SimulationClusterInfo,
} from './simulation';
export { SimCluster, type ClusterSpec, type SimClusterOptions } from './sim-cluster';
export { TIMING_PRESETS, resolveTimings, type SimTimings, type TimingPreset } from './sim-timings';
export { ApiFaults, type ApiFaultRule } from './api-faults';
export {
  WhatsAppNetwork,
  type WhatsAppConnection,
  type WhatsAppViolation,
  type WhatsAppEndpoint,
  type WhatsAppSession,
} from '../world/whatsapp-network';
export { DEFAULT_IMAGE_PROFILE, type ImageProfile } from '../world/image-profile';
export { PHONE_NUMBER_ENV, EPOCH_ENV, EPOCH_ANNOTATIONS } from '../world/epoch-keys';
export { type GatewayStatus } from '../world/coreapp.process';
export { type ProcessFaults, type WorldTimings } from '../world/sim-process';
