/**
 * The logging surface the engine needs. A pino logger satisfies it; tests and callers that
 * do not care pass nothing and get the silent one.
 */
export interface EngineLogger {
  debug(obj: object, msg?: string): void;
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
}

export const silentLogger: EngineLogger = {
  debug() {},
  info() {},
  warn() {},
};
