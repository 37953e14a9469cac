import { PortalLinkSigner } from '../portal-links';
import {
  BUILT_IN_TEMPLATES,
  CHANNELS,
  OPT_OUT_TEXTS,
  TEMPLATE_KEYS,
  TONES,
  type TemplateEntry,
} from './built-in-templates';
import { amountViolations, assertDiscreet } from './discretion';
import { smsSegments } from './sms-segments';
import {
  TemplateCatalogue,
  TemplateErrorCode,
  localeCandidates,
  normalizeLocale,
  type RenderMessageInput,
} from './template-catalogue';

// A typical link: four UUIDs, one real token, a plausible portal host.
const LINK = new PortalLinkSigner({
  baseUrl: 'https://portal.clement.example',
  keys: [{ id: 'k1', secret: Buffer.alloc(32, 7) }],
}).createLink({
  tenantId: '5b8c1e2a-9d3f-4a6b-8c7d-1e2f3a4b5c6d',
  debtorId: '7d9f1c2e-3b4a-4c5d-8e6f-0a1b2c3d4e5f',
  caseId: 'c2a4e6f8-1b3d-4f5a-9c7e-2d4f6a8b0c1e',
  dispatchId: '0f1e2d3c-4b5a-4968-8778-695a4b3c2d1e',
  expiresAt: new Date('2026-12-07T12:00:00Z'),
}).url;
// A long brand (25 characters, all GSM-7) for the segment budget.
const LONG_BRAND = 'Banco Ejemplo de España 1';

const catalogue = new TemplateCatalogue();

function input(overrides: Partial<RenderMessageInput> = {}): RenderMessageInput {
  return {
    tenantId: 'acme-bank',
    tenantBrand: 'Acme Bank',
    templateKey: 'reminder.first',
    channel: 'sms',
    locale: 'es',
    tone: 'standard',
    portalLink: LINK,
    ...overrides,
  };
}

function errorCode(run: () => unknown): string | undefined {
  try {
    run();
  } catch (error) {
    return (error as { code?: string }).code;
  }
  return undefined;
}

const entryName = (e: TemplateEntry) => `${e.templateKey} ${e.channel} ${e.locale} ${e.tone}`;

describe('built-in templates', () => {
  it('pass the catalogue rules', () => {
    expect(() => new TemplateCatalogue()).not.toThrow();
  });

  it('cover every key on SMS and WhatsApp, and every outbound key by email, in es and en', () => {
    for (const templateKey of TEMPLATE_KEYS) {
      for (const channel of CHANNELS) {
        for (const locale of ['es', 'en']) {
          const present = BUILT_IN_TEMPLATES.some(
            (e) => e.templateKey === templateKey && e.channel === channel && e.locale === locale,
          );
          const keywordAnswer = templateKey === 'help' || templateKey.startsWith('confirmation.');
          expect([templateKey, channel, locale, present]).toEqual([
            templateKey,
            channel,
            locale,
            !(channel === 'email' && keywordAnswer),
          ]);
        }
      }
    }
  });

  describe.each(BUILT_IN_TEMPLATES.map((entry) => [entryName(entry), entry] as const))(
    '%s',
    (_, entry) => {
      const rendered = catalogue.renderMessage(
        input({
          templateKey: entry.templateKey,
          channel: entry.channel,
          locale: entry.locale,
          tone: entry.tone,
        }),
      );

      it('resolves to itself', () => {
        expect(rendered).toMatchObject({
          locale: entry.locale,
          tone: entry.tone,
          source: 'default',
        });
      });

      it('names the brand and, unless it confirms a consent change, carries the link', () => {
        expect(rendered.body).toContain('Acme Bank');
        if (!entry.templateKey.startsWith('confirmation.')) expect(rendered.body).toContain(LINK);
        expect(rendered.body).not.toMatch(/\{\{|\}\}/);
      });

      it('says how to opt out (or, confirming one, how to come back)', () => {
        if (entry.templateKey === 'confirmation.opt_out') {
          expect(rendered.body).toContain('START');
        } else {
          expect(rendered.body).toContain(OPT_OUT_TEXTS[entry.channel][entry.locale]);
        }
      });

      if (entry.channel === 'email') {
        it('has a discreet subject and no amount in the body', () => {
          expect(rendered.subject).toBeDefined();
          assertDiscreet(rendered.subject ?? '');
          expect(amountViolations(rendered.body)).toEqual([]);
        });
      } else {
        it('is discreet and has no subject', () => {
          assertDiscreet(rendered.body);
          expect(rendered.subject).toBeUndefined();
        });
      }

      if (entry.channel === 'sms') {
        it('stays within 2 GSM-7 segments with a typical link and a long brand', () => {
          const long = catalogue.renderMessage(
            input({ ...entry, tenantBrand: LONG_BRAND, portalLink: LINK }),
          );
          expect(smsSegments(long.body)).toMatchObject({ encoding: 'gsm7' });
          expect(smsSegments(long.body).segments).toBeLessThanOrEqual(2);
        });
      }
    },
  );
});

describe('TemplateCatalogue.renderMessage across keys × channels × locales × tones', () => {
  const cases = TEMPLATE_KEYS.flatMap((templateKey) =>
    CHANNELS.flatMap((channel) =>
      (['es', 'es-ES', 'es_MX', 'EN', 'en-GB', 'fr', ''] as const).flatMap((locale) =>
        TONES.map((tone) => [templateKey, channel, locale, tone] as const),
      ),
    ),
  );

  it.each(cases)('%s %s %j %s', (templateKey, channel, locale, tone) => {
    const run = () => catalogue.renderMessage(input({ templateKey, channel, locale, tone }));
    const keywordAnswer = templateKey === 'help' || templateKey.startsWith('confirmation.');
    if (channel === 'email' && keywordAnswer) {
      expect(errorCode(run)).toBe(TemplateErrorCode.TemplateNotFound);
      return;
    }
    const rendered = run();
    expect(rendered.locale).toBe(locale.toLowerCase().startsWith('es') ? 'es' : 'en');
    expect(rendered.tone).toBe(keywordAnswer ? 'standard' : tone);
    if (channel === 'email') assertDiscreet(rendered.subject ?? '');
    else assertDiscreet(rendered.body);
  });
});

describe('locale fallback', () => {
  it.each([
    ['es-ES', undefined, ['es-es', 'es', 'en']],
    ['es_es', 'ca-es', ['es-es', 'es', 'ca-es', 'ca', 'en']],
    ['fr', 'es', ['fr', 'es', 'en']],
    ['', 'es', ['es', 'en']],
    ['en-GB', 'en', ['en-gb', 'en']],
  ])('%j with tenant default %j → %j', (requested, tenantDefault, expected) => {
    expect(localeCandidates(normalizeLocale(requested) ?? '', tenantDefault)).toEqual(expected);
  });

  it('falls back to the tenant default language, then to en', () => {
    const withDefault = new TemplateCatalogue({
      tenants: { 'acme-bank': { defaultLocale: 'es' } },
    });
    expect(withDefault.renderMessage(input({ locale: 'fr' })).locale).toBe('es');
    expect(withDefault.renderMessage(input({ locale: 'fr', tenantId: 'other' })).locale).toBe('en');
  });

  it('rejects a locale that is not a language tag', () => {
    expect(errorCode(() => catalogue.renderMessage(input({ locale: 'es es!' })))).toBe(
      TemplateErrorCode.InvalidInput,
    );
  });
});

describe('tenant overrides', () => {
  const override = (patch: Partial<TemplateEntry> = {}): TemplateEntry => ({
    templateKey: 'reminder.first',
    channel: 'sms',
    locale: 'es',
    tone: 'standard',
    body: '¡Hola! {{brand}} te saluda: {{link}} {{optOut}}',
    ...patch,
  });

  it('replaces the entry for that tenant only', () => {
    const tenanted = new TemplateCatalogue({
      tenants: { 'acme-bank': { overrides: [override()] } },
    });
    expect(tenanted.renderMessage(input())).toMatchObject({
      body: `¡Hola! Acme Bank te saluda: ${LINK} ${OPT_OUT_TEXTS.sms.es}`,
      source: 'tenant',
    });
    expect(tenanted.renderMessage(input({ tenantId: 'other-bank' })).source).toBe('default');
  });

  it('sends WhatsApp as an approved Content template when the entry names one', () => {
    const contentSid = `HX${'ab'.repeat(16)}`;
    const approved = new TemplateCatalogue({
      tenants: {
        'acme-bank': {
          overrides: [override({ channel: 'whatsapp', whatsappContentSid: contentSid })],
        },
      },
    });
    expect(approved.renderMessage(input({ channel: 'whatsapp' })).whatsappContent).toEqual({
      contentSid,
      variables: { '1': 'Acme Bank', '2': LINK },
    });
    expect(catalogue.renderMessage(input({ channel: 'whatsapp' })).whatsappContent).toBeUndefined();
  });

  it.each<[string, Partial<TemplateEntry>]>([
    ['a malformed content SID', { channel: 'whatsapp', whatsappContentSid: 'HX123' }],
    ['a content SID on SMS', { whatsappContentSid: `HX${'ab'.repeat(16)}` }],
  ])('rejects %s at construction', (_name, patch) => {
    expect(
      errorCode(
        () => new TemplateCatalogue({ tenants: { 'acme-bank': { overrides: [override(patch)] } } }),
      ),
    ).toBe(TemplateErrorCode.InvalidTemplate);
  });

  it('serves a regional variant to that region and the base language to others', () => {
    const tenanted = new TemplateCatalogue({
      tenants: { 'acme-bank': { overrides: [override({ locale: 'es-mx' })] } },
    });
    expect(tenanted.renderMessage(input({ locale: 'es-MX' })).source).toBe('tenant');
    expect(tenanted.renderMessage(input({ locale: 'es-ES' })).source).toBe('default');
  });

  it('prefers the requested tone over a tenant override in another tone', () => {
    const tenanted = new TemplateCatalogue({
      tenants: { 'acme-bank': { overrides: [override()] } },
    });
    expect(tenanted.renderMessage(input({ tone: 'supportive' }))).toMatchObject({
      tone: 'supportive',
      source: 'default',
    });
  });

  it.each([
    [
      'debt wording in an SMS body',
      override({ body: 'Tu deuda con {{brand}}: {{link}} {{optOut}}' }),
    ],
    ['an amount in an SMS body', override({ body: '{{brand}}: 120 € {{link}} {{optOut}}' })],
    [
      'debt wording in an email subject',
      override({
        channel: 'email',
        subject: 'Overdue: {{brand}}',
        body: '{{brand}} {{link}} {{optOut}}',
      }),
    ],
    [
      'an amount in an email body',
      override({
        channel: 'email',
        subject: '{{brand}}',
        body: '{{brand}}: EUR 120 {{link}} {{optOut}}',
      }),
    ],
    ['an email without a subject', override({ channel: 'email' })],
    ['an SMS with a subject', override({ subject: '{{brand}}' })],
    ['no link', override({ body: 'Hola de {{brand}}. {{optOut}}' })],
    ['no opt-out', override({ body: 'Hola de {{brand}}: {{link}}' })],
    ['no brand', override({ body: 'Hola: {{link}} {{optOut}}' })],
    ['an unknown placeholder', override({ body: '{{name}}, {{brand}}: {{link}} {{optOut}}' })],
    ['a malformed placeholder', override({ body: '{{brand}: {{link}} {{optOut}}' })],
    ['an upper-case locale', override({ locale: 'es-ES' })],
    ['an unknown tone', override({ tone: 'stern' as never })],
    ['an unknown channel', override({ channel: 'fax' as never })],
    ['an invalid key', override({ templateKey: 'Reminder First' })],
  ])('rejects %s at construction', (_, entry) => {
    expect(
      errorCode(() => new TemplateCatalogue({ tenants: { 'acme-bank': { overrides: [entry] } } })),
    ).toBe(TemplateErrorCode.InvalidTemplate);
  });

  it.each([
    ['a duplicate entry', { 'acme-bank': { overrides: [override(), override()] } }],
    ['an invalid tenant id', { 'Acme Bank': { overrides: [override()] } }],
    ['an invalid default locale', { 'acme-bank': { defaultLocale: 'Spanish!' } }],
  ])('rejects %s at construction', (_, tenants) => {
    expect(errorCode(() => new TemplateCatalogue({ tenants }))).toBe(
      TemplateErrorCode.InvalidTemplate,
    );
  });
});

describe('renderMessage inputs', () => {
  it('uses a given opt-out text instead of the default', () => {
    const rendered = catalogue.renderMessage(
      input({ channel: 'email', optOutText: 'Unsubscribe: https://acme.example/u/abc' }),
    );
    expect(rendered.body).toContain('Unsubscribe: https://acme.example/u/abc');
    expect(rendered.body).not.toContain(OPT_OUT_TEXTS.email.es);
  });

  it('does not expand placeholders inside values', () => {
    const rendered = catalogue.renderMessage(input({ optOutText: 'Reply STOP {x}' }));
    expect(rendered.body).toContain('Reply STOP {x}');
    expect(errorCode(() => catalogue.renderMessage(input({ optOutText: '{{link}}' })))).toBe(
      TemplateErrorCode.InvalidInput,
    );
  });

  it.each([
    ['a brand with debt wording', { tenantBrand: 'Acme Debt Recovery' }],
    ['a revealing portal host', { portalLink: 'https://pay.acme.example/l/abc' }],
    ['an opt-out text with an amount', { optOutText: 'Pay 10 € or reply STOP' }],
  ])('fails closed on %s', (_, patch) => {
    expect(errorCode(() => catalogue.renderMessage(input(patch)))).toBe(
      TemplateErrorCode.NotDiscreet,
    );
  });

  it('lets an email subject stay discreet while checking only amounts in its body', () => {
    const rendered = catalogue.renderMessage(
      input({ channel: 'email', templateKey: 'payment_request', locale: 'en' }),
    );
    expect(rendered.body).toMatch(/payment plan/);
    assertDiscreet(rendered.subject ?? '');
  });

  it.each([
    ['no link', { portalLink: undefined }],
    ['an http link', { portalLink: 'http://acme.example/l/abc' }],
    ['a link with spaces', { portalLink: 'https://acme.example/l/a b' }],
    ['an empty brand', { tenantBrand: '  ' }],
    ['a two-line brand', { tenantBrand: 'Acme\nBank' }],
    ['a brand with a placeholder', { tenantBrand: '{{link}}' }],
    ['a brand that is too long', { tenantBrand: 'A'.repeat(41) }],
  ])('rejects %s', (_, patch) => {
    expect(errorCode(() => catalogue.renderMessage(input(patch)))).toBe(
      TemplateErrorCode.InvalidInput,
    );
  });

  it('needs no link to confirm an opt-out', () => {
    const rendered = catalogue.renderMessage(
      input({ templateKey: 'confirmation.opt_out', portalLink: undefined, locale: 'en' }),
    );
    expect(rendered.body).toBe(
      'Acme Bank: you will not receive more messages on this channel. Reply START to subscribe again.',
    );
  });

  it('reports an unknown key', () => {
    expect(errorCode(() => catalogue.renderMessage(input({ templateKey: 'nope' })))).toBe(
      TemplateErrorCode.TemplateNotFound,
    );
  });

  it('renders the Spanish HELP answer', () => {
    expect(catalogue.renderMessage(input({ templateKey: 'help' })).body).toBe(
      `Acme Bank: tu espacio personal es ${LINK} Puedes responder a este mensaje. ${OPT_OUT_TEXTS.sms.es}`,
    );
  });
});
