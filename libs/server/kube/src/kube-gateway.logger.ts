/** What the gateway logs through: structured object first, message second (Nest's Logger fits). */
export interface KubeGatewayLogger {
  log(message: unknown, ...optionalParams: unknown[]): void;
  warn(message: unknown, ...optionalParams: unknown[]): void;
  error(message: unknown, ...optionalParams: unknown[]): void;
}
