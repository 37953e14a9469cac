/**
 * The built-in templates, as data. Tenants override single entries (see TemplateCatalogue).
 *
 * Placeholders: {{brand}}, {{link}} (the personal portal link), {{optOut}} (how to stop this
 * channel; see OPT_OUT_TEXTS). Spanish SMS texts avoid á, í, ó, ú (outside GSM-7, they would
 * switch the message to UCS-2 and halve the characters per part); WhatsApp and email do not.
 */

export const CHANNELS = ['sms', 'whatsapp', 'email'] as const;
export type MessageChannel = (typeof CHANNELS)[number];

export const TONES = ['standard', 'supportive'] as const;
export type MessageTone = (typeof TONES)[number];

export const TEMPLATE_KEYS = [
  'reminder.first',
  'reminder.second',
  'payment_request',
  'plan_reminder',
  'help',
  'confirmation.opt_out',
  'confirmation.opt_in',
] as const;
export type BuiltInTemplateKey = (typeof TEMPLATE_KEYS)[number];

export interface TemplateEntry {
  templateKey: string;
  channel: MessageChannel;
  /** Lower-case BCP 47 tag: `es`, `en`, `es-mx`. */
  locale: string;
  tone: MessageTone;
  body: string;
  /** Email only, and required there. */
  subject?: string;
  /**
   * WhatsApp only: the Twilio Content template (HX…) Meta approved for this text, with
   * `{{1}}` = brand and `{{2}}` = portal link. Without one the text is free-form, which WhatsApp
   * only delivers within 24 hours of the debtor's last message.
   */
  whatsappContentSid?: string;
}

/** The default opt-out line per channel and language. */
export const OPT_OUT_TEXTS: Readonly<Record<MessageChannel, Readonly<Record<string, string>>>> = {
  sms: {
    en: 'Reply STOP to opt out.',
    es: 'Responde BAJA para no recibir mas mensajes.',
  },
  whatsapp: {
    en: 'Reply STOP to opt out.',
    es: 'Responde BAJA para no recibir más mensajes.',
  },
  email: {
    en: 'To stop receiving these emails, reply with the word UNSUBSCRIBE.',
    es: 'Si no quieres recibir más correos, responde con la palabra BAJA.',
  },
};

type ByTone = Partial<Record<MessageTone, string>>;
type ByLocale = Record<string, ByTone>;

/** SMS and WhatsApp share these discreet texts: a greeting, the brand and the link. */
const SHORT_TEXTS: Record<BuiltInTemplateKey, ByLocale> = {
  'reminder.first': {
    en: {
      standard:
        'Hello, this is {{brand}}. You have a new message on your personal page: {{link}} {{optOut}}',
      supportive:
        'Hello, this is {{brand}}. We are here to help whenever it suits you: {{link}} {{optOut}}',
    },
    es: {
      standard:
        'Hola, te escribe {{brand}}. Tienes un mensaje nuevo en tu espacio personal: {{link}} {{optOut}}',
      supportive:
        'Hola, te escribe {{brand}}. Estamos para ayudarte cuando te venga bien: {{link}} {{optOut}}',
    },
  },
  'reminder.second': {
    en: {
      standard:
        'Hello again from {{brand}}. Please take a look at your personal page: {{link}} {{optOut}}',
      supportive:
        'Hello from {{brand}}. No rush: when you are ready, your personal page is here: {{link}} {{optOut}}',
    },
    es: {
      standard:
        'Hola de nuevo, te escribe {{brand}}. Por favor, revisa tu espacio personal: {{link}} {{optOut}}',
      supportive:
        'Hola, te escribe {{brand}}. Sin prisa, cuando quieras, tu espacio personal: {{link}} {{optOut}}',
    },
  },
  payment_request: {
    en: {
      standard:
        'Hello, this is {{brand}}. Please visit your personal page today: {{link}} {{optOut}}',
      supportive:
        'Hello from {{brand}}. If now is a good moment, your personal page has options for you: {{link}} {{optOut}}',
    },
    es: {
      standard:
        'Hola, te escribe {{brand}}. Por favor, entra hoy en tu espacio personal: {{link}} {{optOut}}',
      supportive:
        'Hola, te escribe {{brand}}. Si es buen momento, mira tus opciones: {{link}} {{optOut}}',
    },
  },
  plan_reminder: {
    en: {
      standard:
        'Hello, this is {{brand}} with a friendly reminder. Details on your personal page: {{link}} {{optOut}}',
      supportive:
        'Hello from {{brand}}. A quick reminder, and thank you for staying in touch: {{link}} {{optOut}}',
    },
    es: {
      standard: 'Hola, te escribe {{brand}} con un recordatorio. Detalles: {{link}} {{optOut}}',
      supportive:
        'Hola, te escribe {{brand}}. Un recordatorio, y gracias por seguir en contacto: {{link}} {{optOut}}',
    },
  },
  // Inbound keyword answers: one text whatever the tone (supportive falls back to standard).
  help: {
    en: {
      standard:
        '{{brand}}: your personal page is {{link}} You can also reply to this message. {{optOut}}',
    },
    es: {
      standard:
        '{{brand}}: tu espacio personal es {{link}} Puedes responder a este mensaje. {{optOut}}',
    },
  },
  'confirmation.opt_out': {
    en: {
      standard:
        '{{brand}}: you will not receive more messages on this channel. Reply START to subscribe again.',
    },
    es: {
      standard:
        '{{brand}}: te hemos dado de baja en este canal. Responde START para volver a recibir mensajes.',
    },
  },
  'confirmation.opt_in': {
    en: { standard: '{{brand}}: you will receive our messages on this channel again. {{optOut}}' },
    es: { standard: '{{brand}}: te hemos vuelto a dar de alta en este canal. {{optOut}}' },
  },
};

type EmailText = { subject: string; body: string };

/** Emails may say more in the body (still no amounts); the subject stays discreet. */
const EMAIL_TEXTS: Partial<
  Record<BuiltInTemplateKey, Record<string, Partial<Record<MessageTone, EmailText>>>>
> = {
  'reminder.first': {
    en: {
      standard: {
        subject: 'A message from {{brand}}',
        body: 'Hello,\n\n{{brand}} has a message for you about your account. You can read it, and see the options you have, on your personal page:\n\n{{link}}\n\nThe link is personal: please do not share it.\n\n{{optOut}}',
      },
      supportive: {
        subject: '{{brand}}: we are here to help',
        body: 'Hello,\n\nWe know things can be difficult, and we would like to help. Whenever it suits you, your personal page shows the options you have with {{brand}}, and you can tell us there what works for you:\n\n{{link}}\n\nThe link is personal: please do not share it.\n\n{{optOut}}',
      },
    },
    es: {
      standard: {
        subject: 'Un mensaje de {{brand}}',
        body: 'Hola:\n\n{{brand}} tiene un mensaje para ti sobre tu cuenta. Puedes leerlo, y ver las opciones que tienes, en tu espacio personal:\n\n{{link}}\n\nEl enlace es personal: por favor, no lo compartas.\n\n{{optOut}}',
      },
      supportive: {
        subject: '{{brand}}: estamos para ayudarte',
        body: 'Hola:\n\nSabemos que a veces las cosas se complican y queremos ayudarte. Cuando te venga bien, en tu espacio personal verás las opciones que tienes con {{brand}} y podrás decirnos qué te encaja:\n\n{{link}}\n\nEl enlace es personal: por favor, no lo compartas.\n\n{{optOut}}',
      },
    },
  },
  'reminder.second': {
    en: {
      standard: {
        subject: '{{brand}}: a reminder',
        body: 'Hello,\n\nWe wrote to you recently about your account with {{brand}} and have not heard back. Please take a look at your personal page:\n\n{{link}}\n\nThe link is personal: please do not share it.\n\n{{optOut}}',
      },
      supportive: {
        subject: '{{brand}}: whenever you are ready',
        body: 'Hello,\n\nThere is no rush. When you are ready, your personal page shows your account with {{brand}} and the options you have, including talking to a person:\n\n{{link}}\n\nThe link is personal: please do not share it.\n\n{{optOut}}',
      },
    },
    es: {
      standard: {
        subject: '{{brand}}: un recordatorio',
        body: 'Hola:\n\nTe escribimos hace poco sobre tu cuenta con {{brand}} y no hemos sabido de ti. Por favor, revisa tu espacio personal:\n\n{{link}}\n\nEl enlace es personal: por favor, no lo compartas.\n\n{{optOut}}',
      },
      supportive: {
        subject: '{{brand}}: cuando quieras',
        body: 'Hola:\n\nSin prisa. Cuando quieras, en tu espacio personal verás tu cuenta con {{brand}} y las opciones que tienes, también hablar con una persona:\n\n{{link}}\n\nEl enlace es personal: por favor, no lo compartas.\n\n{{optOut}}',
      },
    },
  },
  payment_request: {
    en: {
      standard: {
        subject: 'A message from {{brand}}',
        body: 'Hello,\n\nYour account with {{brand}} needs your attention. On your personal page you can see the details and settle it, or choose a payment plan:\n\n{{link}}\n\nThe link is personal: please do not share it.\n\n{{optOut}}',
      },
      supportive: {
        subject: '{{brand}}: options for you',
        body: 'Hello,\n\nIf now is a good moment, your personal page shows your account with {{brand}} and options that fit different situations, from a single payment to a plan in smaller steps:\n\n{{link}}\n\nThe link is personal: please do not share it.\n\n{{optOut}}',
      },
    },
    es: {
      standard: {
        subject: 'Un mensaje de {{brand}}',
        body: 'Hola:\n\nTu cuenta con {{brand}} necesita tu atención. En tu espacio personal puedes ver los detalles y regularizarla, o elegir un plan de pagos:\n\n{{link}}\n\nEl enlace es personal: por favor, no lo compartas.\n\n{{optOut}}',
      },
      supportive: {
        subject: '{{brand}}: opciones para ti',
        body: 'Hola:\n\nSi es buen momento, en tu espacio personal verás tu cuenta con {{brand}} y opciones para distintas situaciones, desde un único pago hasta un plan en pasos más pequeños:\n\n{{link}}\n\nEl enlace es personal: por favor, no lo compartas.\n\n{{optOut}}',
      },
    },
  },
  plan_reminder: {
    en: {
      standard: {
        subject: '{{brand}}: a friendly reminder',
        body: 'Hello,\n\nA reminder about the plan you agreed with {{brand}}. The dates and details are on your personal page:\n\n{{link}}\n\nThe link is personal: please do not share it.\n\n{{optOut}}',
      },
      supportive: {
        subject: '{{brand}}: a quick reminder',
        body: 'Hello,\n\nThank you for keeping to your plan with {{brand}}. The next date is on your personal page, and if anything has changed you can tell us there:\n\n{{link}}\n\nThe link is personal: please do not share it.\n\n{{optOut}}',
      },
    },
    es: {
      standard: {
        subject: '{{brand}}: un recordatorio',
        body: 'Hola:\n\nTe recordamos el plan que acordaste con {{brand}}. Las fechas y los detalles están en tu espacio personal:\n\n{{link}}\n\nEl enlace es personal: por favor, no lo compartas.\n\n{{optOut}}',
      },
      supportive: {
        subject: '{{brand}}: un breve recordatorio',
        body: 'Hola:\n\nGracias por seguir con tu plan con {{brand}}. La próxima fecha está en tu espacio personal y, si algo ha cambiado, puedes contárnoslo allí:\n\n{{link}}\n\nEl enlace es personal: por favor, no lo compartas.\n\n{{optOut}}',
      },
    },
  },
};

function entries(): TemplateEntry[] {
  const result: TemplateEntry[] = [];
  for (const templateKey of TEMPLATE_KEYS) {
    for (const [locale, byTone] of Object.entries(SHORT_TEXTS[templateKey])) {
      for (const tone of TONES) {
        const body = byTone[tone];
        if (body === undefined) continue;
        result.push({ templateKey, channel: 'sms', locale, tone, body });
        result.push({ templateKey, channel: 'whatsapp', locale, tone, body });
      }
    }
    for (const [locale, byTone] of Object.entries(EMAIL_TEXTS[templateKey] ?? {})) {
      for (const tone of TONES) {
        const text = byTone[tone];
        if (text !== undefined)
          result.push({ templateKey, channel: 'email', locale, tone, ...text });
      }
    }
  }
  return result;
}

export const BUILT_IN_TEMPLATES: readonly TemplateEntry[] = entries();

/** Keys that answer an inbound keyword or confirm a consent change; they need no portal link. */
export const KEYS_WITHOUT_LINK: ReadonlySet<string> = new Set([
  'confirmation.opt_out',
  'confirmation.opt_in',
]);
/** The one text that must not invite an opt-out: it confirms one. */
export const KEYS_WITHOUT_OPT_OUT: ReadonlySet<string> = new Set(['confirmation.opt_out']);
