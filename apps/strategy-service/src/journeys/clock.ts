/** The service's clock port: tests drive a virtual one (timers, decisions, command times). */
export type Clock = () => Date;

export const STRATEGY_CLOCK = Symbol('strategy-service.clock');

export const systemClock: Clock = () => new Date();
