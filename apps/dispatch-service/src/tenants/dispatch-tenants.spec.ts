import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { UK_FCA } from '@clement/contact-policy';
import { TemplateErrorCode, type TemplateEntry } from '../templates';
import {
  type DispatchTenant,
  DispatchTenantsError,
  loadDispatchTenants,
  parseDispatchTenants,
  templateCatalogueFor,
  tenantsSendingFrom,
} from './dispatch-tenants';

const SID = `MG${'0123456789abcdef'.repeat(2)}`;
const LINK = 'https://portal.clement.example/p/abc123';

/** A tenant as the file states it; each case changes one thing. */
function settings(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    brand: 'Acme Bank',
    jurisdiction: 'UK_FCA',
    senders: { sms: { from: '+447700900123' } },
    ...overrides,
  };
}

const documentOf = (tenants: Record<string, unknown>) => ({ tenants });

function problemsOf(run: () => unknown): readonly string[] {
  try {
    run();
  } catch (error) {
    if (error instanceof DispatchTenantsError) return error.problems;
    throw error;
  }
  throw new Error('expected a DispatchTenantsError');
}

describe('parseDispatchTenants', () => {
  it('reads a valid tenant, with its policy overrides merged onto the preset', () => {
    const tenants = parseDispatchTenants(
      documentOf({
        'acme-bank': settings({
          brand: '  Acme Bank ',
          defaultLocale: 'en-GB',
          senders: {
            sms: { from: '+447700900123', messagingServiceSid: SID, ratePerSecond: 10, burst: 20 },
            whatsapp: { from: '+447700900124' },
            email: { from: 'hello@acme.example', fromName: ' Acme ' },
          },
          policy: { contactWindow: { start: '09:00' }, maxDeferDays: 7 },
        }),
      }),
    );

    const tenant = tenants.get('acme-bank');
    expect([...tenants.keys()]).toEqual(['acme-bank']);
    expect(tenant).toMatchObject({
      tenantId: 'acme-bank',
      brand: 'Acme Bank',
      jurisdiction: 'UK_FCA',
      defaultLocale: 'en-GB',
      senders: {
        sms: { from: '+447700900123', messagingServiceSid: SID, ratePerSecond: 10, burst: 20 },
        whatsapp: { from: '+447700900124' },
        email: { from: 'hello@acme.example', fromName: 'Acme' },
      },
      templates: [],
    });
    expect(tenant?.policy.contactWindow).toEqual({
      start: '09:00',
      end: UK_FCA.contactWindow.end,
      days: UK_FCA.contactWindow.days,
    });
    expect(tenant?.policy.maxDeferDays).toBe(7);
    expect(tenant?.policy.frequencyCaps).toEqual(UK_FCA.frequencyCaps);
  });

  it('uses the preset unchanged when the tenant has no policy overrides', () => {
    const tenant = parseDispatchTenants(documentOf({ 'acme-bank': settings() })).get('acme-bank');

    expect(tenant?.policy).toEqual(UK_FCA);
    expect(tenant && 'defaultLocale' in tenant).toBe(false);
  });

  it('reads several tenants', () => {
    const tenants = parseDispatchTenants(
      documentOf({
        'acme-bank': settings(),
        'bravo-es': settings({ brand: 'Bravo', jurisdiction: 'EU_ES' }),
      }),
    );

    expect([...tenants.values()].map((t) => [t.tenantId, t.policy.jurisdiction])).toEqual([
      ['acme-bank', 'UK_FCA'],
      ['bravo-es', 'EU_ES'],
    ]);
  });

  it.each([
    {
      problem: 'a tenant id in capitals',
      id: 'Acme',
      raw: settings(),
      expected: ['Acme: not a tenant id'],
    },
    {
      problem: 'a tenant that is not an object',
      id: 'acme',
      raw: 'x',
      expected: ['acme: must be an object'],
    },
    {
      problem: 'a missing brand',
      id: 'acme',
      raw: settings({ brand: undefined }),
      expected: ['acme.brand: required'],
    },
    {
      problem: 'a blank brand',
      id: 'acme',
      raw: settings({ brand: '   ' }),
      expected: ['acme.brand: required'],
    },
    {
      problem: 'an unknown jurisdiction',
      id: 'acme',
      raw: settings({ jurisdiction: 'FR' }),
      expected: ['acme.jurisdiction: must be one of US_REG_F, UK_FCA, EU_ES'],
    },
    {
      problem: 'an override that breaks the policy',
      id: 'acme',
      raw: settings({ policy: { maxDeferDays: 0 } }),
      expected: ['acme.policy: maxDeferDays must be positive'],
    },
    {
      problem: 'a language tag that is not one',
      id: 'acme',
      raw: settings({ defaultLocale: 'english!' }),
      expected: ['acme.defaultLocale: not a language tag'],
    },
    {
      problem: 'no senders',
      id: 'acme',
      raw: settings({ senders: undefined }),
      expected: ['acme.senders: required'],
    },
    {
      problem: 'an sms sender that is not E.164',
      id: 'acme',
      raw: settings({ senders: { sms: { from: '07700900123' } } }),
      expected: ['acme.senders.sms.from: must be E.164'],
    },
    {
      problem: 'a WhatsApp sender that is not E.164',
      id: 'acme',
      raw: settings({ senders: { whatsapp: { from: 'whatsapp:+447700900123' } } }),
      expected: ['acme.senders.whatsapp.from: must be E.164'],
    },
    {
      problem: 'an email sender that is not an address',
      id: 'acme',
      raw: settings({ senders: { email: { from: 'hello at acme' } } }),
      expected: ['acme.senders.email.from: must be an email address'],
    },
    {
      problem: 'an unknown channel',
      id: 'acme',
      raw: settings({ senders: { voice: { from: '+447700900123' } } }),
      expected: ['acme.senders.voice: unknown channel'],
    },
    {
      problem: 'a bad Messaging Service SID',
      id: 'acme',
      raw: settings({ senders: { sms: { from: '+447700900123', messagingServiceSid: 'MG123' } } }),
      expected: ['acme.senders.sms.messagingServiceSid: must be MG + 32 hex'],
    },
    {
      problem: 'a zero rate',
      id: 'acme',
      raw: settings({ senders: { sms: { from: '+447700900123', ratePerSecond: 0 } } }),
      expected: ['acme.senders.sms.ratePerSecond: must be a positive number'],
    },
    {
      problem: 'a negative burst',
      id: 'acme',
      raw: settings({ senders: { sms: { from: '+447700900123', burst: -1 } } }),
      expected: ['acme.senders.sms.burst: must be a positive number'],
    },
    {
      problem: 'a rate given as a string',
      id: 'acme',
      raw: settings({ senders: { sms: { from: '+447700900123', ratePerSecond: '5' } } }),
      expected: ['acme.senders.sms.ratePerSecond: must be a positive number'],
    },
    {
      problem: 'templates that are not a list',
      id: 'acme',
      raw: settings({ templates: {} }),
      expected: ['acme.templates: must be an array'],
    },
  ])('refuses $problem', ({ id, raw, expected }) => {
    expect(problemsOf(() => parseDispatchTenants(documentOf({ [id]: raw })))).toEqual(expected);
  });

  it('collects every problem of the file at once', () => {
    const problems = problemsOf(() =>
      parseDispatchTenants(
        documentOf({
          'Bad Id': settings(),
          acme: settings({
            brand: '',
            jurisdiction: 'ATLANTIS',
            senders: {
              sms: { from: '447700900123' },
              email: { from: 'nobody' },
              fax: { from: '+447700900123' },
              whatsapp: { from: '+447700900124', messagingServiceSid: 'nope', ratePerSecond: -5 },
            },
          }),
        }),
      ),
    );

    expect(problems).toEqual([
      'Bad Id: not a tenant id',
      'acme.brand: required',
      'acme.jurisdiction: must be one of US_REG_F, UK_FCA, EU_ES',
      'acme.senders.sms.from: must be E.164',
      'acme.senders.email.from: must be an email address',
      'acme.senders.fax: unknown channel',
      'acme.senders.whatsapp.messagingServiceSid: must be MG + 32 hex',
      'acme.senders.whatsapp.ratePerSecond: must be a positive number',
    ]);
  });

  it.each([
    { name: 'null', document: null },
    { name: 'an array', document: [] },
    { name: 'a string', document: 'tenants' },
    { name: 'an object without tenants', document: {} },
    { name: 'tenants as a list', document: { tenants: [settings()] } },
  ])('refuses $name as the document', ({ document }) => {
    expect(problemsOf(() => parseDispatchTenants(document))).toEqual([
      'the document must be { "tenants": { … } }',
    ]);
  });

  it('says what is wrong in the error message', () => {
    expect(() => parseDispatchTenants(documentOf({ acme: settings({ brand: '' }) }))).toThrow(
      'invalid dispatch tenants: acme.brand: required',
    );
  });
});

describe('loadDispatchTenants', () => {
  const json = JSON.stringify(documentOf({ 'acme-bank': settings() }));
  let dir: string;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'dispatch-tenants-'));
  });

  afterEach(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  it('reads the tenants from a JSON string', () => {
    expect([...loadDispatchTenants({ json }).keys()]).toEqual(['acme-bank']);
  });

  it('reads the tenants from a file', () => {
    const file = join(dir, 'tenants.json');
    writeFileSync(
      file,
      JSON.stringify(documentOf({ 'bravo-es': settings({ jurisdiction: 'EU_ES' }) })),
    );

    const tenants = loadDispatchTenants({ file });

    expect(tenants.get('bravo-es')?.policy.jurisdiction).toBe('EU_ES');
  });

  it('prefers the JSON string over the file', () => {
    const file = join(dir, 'tenants.json');
    writeFileSync(file, JSON.stringify(documentOf({ 'bravo-es': settings() })));

    expect([...loadDispatchTenants({ json, file }).keys()]).toEqual(['acme-bank']);
  });

  it.each([
    { name: 'invalid JSON', source: { json: '{ "tenants": ' }, expected: ['not valid JSON'] },
    {
      name: 'neither a JSON string nor a file',
      source: {},
      expected: ['no tenants file or JSON given'],
    },
    {
      name: 'valid JSON with a bad tenant',
      source: { json: JSON.stringify(documentOf({ acme: settings({ brand: 7 }) })) },
      expected: ['acme.brand: required'],
    },
  ])('refuses $name', ({ source, expected }) => {
    expect(problemsOf(() => loadDispatchTenants(source))).toEqual(expected);
  });

  it('refuses a file that is not valid JSON', () => {
    const file = join(dir, 'tenants.json');
    writeFileSync(file, 'tenants: {}');

    expect(problemsOf(() => loadDispatchTenants({ file }))).toEqual(['not valid JSON']);
  });
});

describe('tenantsSendingFrom', () => {
  const tenants = parseDispatchTenants(
    documentOf({
      'acme-bank': settings({
        senders: {
          sms: { from: '+447700900123' },
          whatsapp: { from: '+447700900999' },
          email: { from: 'hello@acme.example' },
        },
      }),
      'bravo-es': settings({
        jurisdiction: 'EU_ES',
        senders: { sms: { from: '+447700900123' }, whatsapp: { from: '+34600000001' } },
      }),
    }),
  );
  const ids = (found: DispatchTenant[]) => found.map((tenant) => tenant.tenantId);

  it.each([
    {
      name: 'a WhatsApp number with its prefix',
      channel: 'whatsapp' as const,
      to: 'whatsapp:+34600000001',
      expected: ['bravo-es'],
    },
    {
      name: 'a WhatsApp number without the prefix',
      channel: 'whatsapp' as const,
      to: '+447700900999',
      expected: ['acme-bank'],
    },
    {
      name: 'a shared sms number',
      channel: 'sms' as const,
      to: '+447700900123',
      expected: ['acme-bank', 'bravo-es'],
    },
    {
      name: 'an email address',
      channel: 'email' as const,
      to: 'hello@acme.example',
      expected: ['acme-bank'],
    },
    {
      name: 'a number of another channel',
      channel: 'sms' as const,
      to: '+447700900999',
      expected: [],
    },
    { name: 'an unknown number', channel: 'sms' as const, to: '+447700900000', expected: [] },
    {
      name: 'a whatsapp: prefix (stripped whatever the channel)',
      channel: 'sms' as const,
      to: 'whatsapp:+447700900123',
      expected: ['acme-bank', 'bravo-es'],
    },
  ])('$name on $channel → $expected', ({ channel, to, expected }) => {
    expect(ids(tenantsSendingFrom(tenants, channel, to))).toEqual(expected);
  });
});

describe('templateCatalogueFor', () => {
  const override: TemplateEntry = {
    templateKey: 'reminder.first',
    channel: 'sms',
    locale: 'en',
    tone: 'standard',
    body: 'Hi from {{brand}}, see {{link}} {{optOut}}',
  };
  const tenants = parseDispatchTenants(
    documentOf({
      'acme-bank': settings({ templates: [override] }),
      'bravo-es': settings({ brand: 'Bravo', jurisdiction: 'EU_ES', defaultLocale: 'es' }),
    }),
  );
  const catalogue = templateCatalogueFor(tenants);
  const render = (tenantId: string, tenantBrand: string, locale: string) =>
    catalogue.renderMessage({
      tenantId,
      tenantBrand,
      templateKey: 'reminder.first',
      channel: 'sms',
      locale,
      tone: 'standard',
      portalLink: LINK,
    });

  it('uses the tenant’s override for that tenant', () => {
    expect(render('acme-bank', 'Acme Bank', 'en')).toMatchObject({
      body: `Hi from Acme Bank, see ${LINK} Reply STOP to opt out.`,
      source: 'tenant',
    });
  });

  it('keeps the built-in template for every other tenant', () => {
    expect(render('bravo-es', 'Bravo', 'en')).toMatchObject({
      body: `Hello, this is Bravo. You have a new message on your personal page: ${LINK} Reply STOP to opt out.`,
      source: 'default',
    });
  });

  it('applies the tenant’s default locale when the debtor’s language is unknown', () => {
    expect(render('bravo-es', 'Bravo', '')).toMatchObject({ locale: 'es', source: 'default' });
    expect(render('acme-bank', 'Acme Bank', '')).toMatchObject({ locale: 'en', source: 'tenant' });
  });

  it('refuses a tenant override that breaks a template rule', () => {
    const bad = parseDispatchTenants(
      documentOf({
        'acme-bank': settings({ templates: [{ ...override, body: 'Hi from {{brand}}' }] }),
      }),
    );

    expect(() => templateCatalogueFor(bad)).toThrow(
      expect.objectContaining({ code: TemplateErrorCode.InvalidTemplate }),
    );
  });
});

describe('parseDispatchTenants rejects malformed policy overrides at load', () => {
  it.each<[string, unknown, string]>([
    [
      'a cap without channels',
      { frequencyCaps: [{ id: 'sms.7d', max: 3, windowDays: 7 }] },
      "acme.policy: cap sms.7d: channels must be 'all' or a list of channels",
    ],
    [
      'a hold rule without purposes',
      { holds: { dispute: {} } },
      'acme.policy: holds.dispute.allowedPurposes must be a list of purposes',
    ],
    [
      'a category rule with a string for a list',
      { vulnerability: { byCategory: { health: { blockedPurposes: 'payment_request' } } } },
      'acme.policy: vulnerability.byCategory.health.blockedPurposes must be a list',
    ],
    ['caps that are not a list', { frequencyCaps: 'x' }, 'acme.policy: malformed override'],
    ['a policy that is not an object', 'strict', 'acme.policy: must be an object'],
    [
      'an unknown channel in consentRequired',
      { consentRequired: ['pigeon'] },
      'acme.policy: consentRequired must be a list of channels',
    ],
  ])('%s', (_name, policy, problem) => {
    expect(
      problemsOf(() => parseDispatchTenants(documentOf({ acme: settings({ policy }) }))),
    ).toEqual([problem]);
  });
});
