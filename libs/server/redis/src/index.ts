export { hitFixedWindow, releaseFixedWindow, type LimitResult } from './fixed-window-limiter';
export { RedisModule } from './redis.module';
export { RedisService } from './redis.service';
