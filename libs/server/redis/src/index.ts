export { hitFixedWindow, peekFixedWindow, type LimitResult } from './fixed-window-limiter';
export { RedisModule } from './redis.module';
export { RedisService } from './redis.service';
