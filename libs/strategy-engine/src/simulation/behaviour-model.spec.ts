import { DEFAULT_BEHAVIOUR, behaviourProblems, mergeBehaviour } from './behaviour-model';

describe('behaviour model', () => {
  it('has valid defaults', () => {
    expect(behaviourProblems(DEFAULT_BEHAVIOUR)).toEqual([]);
  });

  it('merges an override key by key, leaving the rest at the defaults', () => {
    const model = mergeBehaviour({ channels: { sms: { pay: 0.2 } }, promise: { keepRate: 1 } });
    expect(model.channels.sms.pay).toBe(0.2);
    expect(model.channels.sms.click).toBe(DEFAULT_BEHAVIOUR.channels.sms.click);
    expect(model.channels.whatsapp).toEqual(DEFAULT_BEHAVIOUR.channels.whatsapp);
    expect(model.promise).toEqual({ ...DEFAULT_BEHAVIOUR.promise, keepRate: 1 });
    expect(DEFAULT_BEHAVIOUR.channels.sms.pay).not.toBe(0.2);
  });

  it('names each problem with a JSON pointer', () => {
    const model = mergeBehaviour({
      channels: { sms: { pay: 0.5, click: 0.9 }, email: { reply: 1.5 }, fax: {} },
      promise: { daysAhead: { min: 5, max: 2 } },
      delays: { reactionHours: { min: -1, max: 2 } },
      vulnerableShare: 'some',
      colour: 'blue',
    });
    const problems = behaviourProblems(model);
    expect(problems).toEqual(
      expect.arrayContaining([
        { path: '/channels/email/reply', message: 'must be a share from 0 to 1' },
        expect.objectContaining({
          path: '/channels/sms',
          message: expect.stringMatching(/more than 1/),
        }),
        expect.objectContaining({
          path: '/channels/fax',
          message: expect.stringMatching(/is not a field/),
        }),
        { path: '/promise/daysAhead', message: 'min must not be above max' },
        expect.objectContaining({ path: '/delays/reactionHours' }),
        { path: '/vulnerableShare', message: 'must be a share from 0 to 1' },
        expect.objectContaining({ path: '/colour' }),
      ]),
    );
    expect(problems).toHaveLength(7);
  });

  it('refuses something that is not an object', () => {
    expect(behaviourProblems([])).toEqual([{ path: '', message: 'must be an object' }]);
  });
});
