export { countryOf, parseE164, type ParsedNumber } from './e164';
export { NumbersModule } from './numbers.module';
export { NumbersService, toNumberResponse } from './numbers.service';
