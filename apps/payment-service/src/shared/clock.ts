/** The service's clock port: tests drive a virtual one (promise deadlines, missed instalments). */
export type Clock = () => Date;

export const PAYMENT_CLOCK = Symbol('payment-service.clock');

export const systemClock: Clock = () => new Date();
