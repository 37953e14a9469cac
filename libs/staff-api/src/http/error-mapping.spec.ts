import type { ValidationError } from 'class-validator';
import {
  domainErrorStatus,
  isCodedError,
  registerDomainErrorStatuses,
} from './domain-error-status';
import { codeForStatus } from './error-body';
import { fieldErrors } from './validation';

describe('domainErrorStatus', () => {
  const table = { 'case.not_found': 404, payment: 422, 'payment.plan.expired': 410 };

  it('prefers the exact code, then the nearest namespace', () => {
    expect(domainErrorStatus('case.not_found', table)).toBe(404);
    expect(domainErrorStatus('payment.plan.expired', table)).toBe(410);
    expect(domainErrorStatus('payment.plan.rejected', table)).toBe(422);
    expect(domainErrorStatus('case.other', table)).toBeUndefined();
    expect(domainErrorStatus('ECONNREFUSED', table)).toBeUndefined();
  });

  it('uses the codes services register, and refuses a conflicting registration', () => {
    registerDomainErrorStatuses({ 'widget.not_found': 404, gadget: 409 });
    registerDomainErrorStatuses({ 'widget.not_found': 404 });
    expect(domainErrorStatus('widget.not_found')).toBe(404);
    expect(domainErrorStatus('gadget.locked')).toBe(409);
    expect(() => registerDomainErrorStatuses({ 'widget.not_found': 410 })).toThrow(
      'already mapped to 404',
    );
  });

  it('recognises domain errors by shape only', () => {
    expect(isCodedError(Object.assign(new Error('x'), { code: 'case.not_found' }))).toBe(true);
    expect(isCodedError({ code: 'case.not_found', message: 'not an Error' })).toBe(false);
    expect(isCodedError(Object.assign(new Error('x'), { code: 42 }))).toBe(false);
  });
});

describe('fieldErrors', () => {
  it('names nested and indexed fields by path', () => {
    const errors: ValidationError[] = [
      {
        property: 'debtor',
        children: [
          {
            property: 'addresses',
            children: [
              {
                property: '2',
                children: [
                  {
                    property: 'lines',
                    constraints: { arrayMinSize: 'lines must contain at least 1 elements' },
                    children: [],
                  },
                ],
              },
            ],
          },
        ],
      },
      {
        property: 'amount',
        constraints: {
          isInt: 'amount must be an integer number',
          min: 'amount must not be less than 1',
        },
      },
    ];

    expect(fieldErrors(errors)).toEqual([
      { field: 'debtor.addresses[2].lines', reason: 'lines must contain at least 1 elements' },
      { field: 'amount', reason: 'amount must be an integer number' },
      { field: 'amount', reason: 'amount must not be less than 1' },
    ]);
  });
});

describe('codeForStatus', () => {
  it('derives a snake_case code from the reason phrase', () => {
    expect(codeForStatus(404)).toBe('not_found');
    expect(codeForStatus(413)).toBe('payload_too_large');
    expect(codeForStatus(429)).toBe('too_many_requests');
  });
});
