import { PORTFOLIO_COLUMNS, type PortfolioColumn } from './portfolio-columns';
import { csvField } from './rejection-report';

/**
 * A synthetic portfolio for demos, load tests and integration tests: deterministic (a seeded
 * PRNG, no faker), Spanish and British debtors with realistic names and addresses, and only
 * contact details that reach no one (example.com, the +44 7700 900xxx drama range, +34 600 000xxx).
 */
export interface PortfolioGeneratorOptions {
  readonly debtors: number;
  /** Malformed rows added at evenly spread, deterministic positions. */
  readonly invalid?: number;
  readonly seed?: number;
}

export type PortfolioValues = Record<PortfolioColumn, string>;

export interface GeneratedRow {
  readonly values: PortfolioValues;
  /** What is wrong with the row, for malformed rows only. */
  readonly defect?: string;
}

/** The kinds of malformed rows `--invalid` adds, in turn. */
export const DEFECTS: readonly { readonly name: string; apply(values: PortfolioValues): void }[] = [
  {
    name: 'negative current balance',
    apply: (v) => (v.current_balance_minor = `-${v.current_balance_minor}`),
  },
  { name: 'unknown currency', apply: (v) => (v.currency = 'EURO') },
  { name: 'placement date that does not exist', apply: (v) => (v.placement_date = '2026-02-30') },
  { name: 'missing creditor_debtor_id', apply: (v) => (v.creditor_debtor_id = '') },
  { name: 'amount with a decimal point', apply: (v) => (v.original_balance_minor = '1234.56') },
  { name: 'unknown product type', apply: (v) => (v.product_type = 'loan') },
  { name: 'date of birth not YYYY-MM-DD', apply: (v) => (v.date_of_birth = '31/12/1980') },
];

/** Mulberry32: a tiny, good-enough seeded PRNG; the same seed gives the same portfolio. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** The rows of a portfolio, debtor by debtor (about 1.3 accounts each), malformed rows included. */
export function* generatePortfolio(options: PortfolioGeneratorOptions): Generator<GeneratedRow> {
  const random = seededRandom(options.seed ?? 1);
  const invalid = options.invalid ?? 0;
  // After which debtor each malformed row goes: spread evenly, never after the last one.
  const positions = Array.from({ length: invalid }, (_, index) =>
    Math.floor(((index + 1) * options.debtors) / (invalid + 1)),
  );
  let nextDefect = 0;
  for (let index = 0; index < options.debtors; index += 1) {
    const rows = debtorRows(index, random);
    yield* rows.map((values) => ({ values }));
    while (nextDefect < invalid && positions[nextDefect] <= index + 1) {
      const defect = DEFECTS[nextDefect % DEFECTS.length];
      const values = { ...rows[rows.length - 1] };
      values.account_reference = `${values.account_reference}-X${nextDefect + 1}`;
      defect.apply(values);
      yield { values, defect: defect.name };
      nextDefect += 1;
    }
  }
}

/** The CSV header line. */
export function csvHeader(): string {
  return PORTFOLIO_COLUMNS.join(',');
}

export function csvRow(values: PortfolioValues): string {
  return PORTFOLIO_COLUMNS.map((column) => csvField(values[column])).join(',');
}

const NUMERIC_COLUMNS: ReadonlySet<PortfolioColumn> = new Set([
  'original_balance_minor',
  'current_balance_minor',
  'days_past_due',
]);

/** A JSONL line: blank columns left out, amounts and days as JSON numbers. */
export function jsonRow(values: PortfolioValues): string {
  const object: Record<string, string | number> = {};
  for (const column of PORTFOLIO_COLUMNS) {
    const value = values[column];
    if (value === '') continue;
    object[column] =
      NUMERIC_COLUMNS.has(column) && /^-?\d+(\.\d+)?$/.test(value) ? Number(value) : value;
  }
  return JSON.stringify(object);
}

// ---------------------------------------------------------------------------------------------

type Country = 'ES' | 'GB';

/** A list written as one `|`-separated string, to keep the data below readable. */
const list = (items: string): readonly string[] => items.split('|');

const NAMES: Record<
  Country,
  { given: readonly string[]; family: readonly string[]; organisations: readonly string[] }
> = {
  ES: {
    given: list(
      'María|Carmen|Ana|Isabel|Lucía|Laura|Marta|Elena|Sofía|Paula|Cristina|Pilar|Rosa|' +
        'María José|Nuria|Antonio|José|Manuel|Francisco|David|Juan|Javier|Daniel|Carlos|Jesús|' +
        'Alejandro|Miguel|Rafael|Pablo|Sergio|Fernando|Jorge|José Luis|Álvaro|Adrián|Íñigo',
    ),
    family: list(
      'García|Rodríguez|González|Fernández|López|Martínez|Sánchez|Pérez|Gómez|Martín|Jiménez|' +
        'Ruiz|Hernández|Díaz|Moreno|Muñoz|Álvarez|Romero|Alonso|Gutiérrez|Navarro|Torres|' +
        'Domínguez|Vázquez|Ramos|Gil|Serrano|Blanco|Molina|Morales|Suárez|Ortega|Delgado|Castro|' +
        'Ortiz|Rubio|Marín|Sanz|Núñez|Iglesias|Medina|Garrido|Castillo',
    ),
    organisations: list(
      'Talleres {f} S.L.|Construcciones {f} y Asociados, S.A.|Panadería {f} S.L.|' +
        'Transportes {f} e Hijos S.L.',
    ),
  },
  GB: {
    given: list(
      'Oliver|George|Harry|Jack|Jacob|Noah|Charlie|Thomas|Oscar|William|James|Henry|Leo|Alfie|' +
        'Joshua|Freddie|Olivia|Amelia|Isla|Ava|Emily|Sophie|Grace|Lily|Freya|Ella|Mia|' +
        'Charlotte|Poppy|Evie|Jessica|Sarah|Emma|Rebecca|Hannah|Mary Anne',
    ),
    family: list(
      'Smith|Jones|Williams|Taylor|Brown|Davies|Evans|Wilson|Thomas|Johnson|Roberts|Robinson|' +
        'Thompson|Wright|Walker|White|Edwards|Hughes|Green|Hall|Lewis|Harris|Clarke|Patel|' +
        'Jackson|Wood|Turner|Martin|Cooper|Hill|Ward|Morris|Moore|Clark|Lee|King|Baker|' +
        "Harrison|Morgan|O'Brien|Allen|Khan",
    ),
    organisations: list('{f} & Sons Ltd|{f} Plumbing Ltd|{f}, {g} & Partners LLP|{f} Haulage Ltd'),
  },
};

const PLACES: Record<
  Country,
  {
    streets: readonly string[];
    secondLines: readonly string[];
    /** Locality, region and the start of its postal codes. */
    towns: readonly (readonly string[])[];
  }
> = {
  ES: {
    streets: list(
      'Calle Mayor|Calle de Alcalá|Avenida de la Constitución|Calle Real|Paseo de Gracia|' +
        'Calle San Vicente|Gran Vía|Calle del Sol',
    ),
    secondLines: list('1º A|2º B|3º izquierda|Bajo|4º D|Ático'),
    towns: list(
      'Madrid,Madrid,28|Barcelona,Barcelona,08|Valencia,Valencia,46|Sevilla,Sevilla,41|' +
        'Zaragoza,Zaragoza,50|Málaga,Málaga,29|Bilbao,Bizkaia,48|Murcia,Murcia,30|' +
        'A Coruña,A Coruña,15',
    ).map((town) => town.split(',')),
  },
  GB: {
    streets: list(
      'High Street|Station Road|Church Lane|Victoria Road|Park Avenue|Mill Lane|Queen Street|' +
        'The Crescent',
    ),
    secondLines: list('Flat 1|Flat 2|Flat 4B|Apartment 12|Rose Cottage|Unit 3'),
    towns: list(
      'London,Greater London,E|Manchester,Greater Manchester,M|Birmingham,West Midlands,B|' +
        'Leeds,West Yorkshire,LS|Bristol,Bristol,BS|Liverpool,Merseyside,L|' +
        'Newcastle upon Tyne,Tyne and Wear,NE|Cardiff,South Glamorgan,CF',
    ).map((town) => town.split(',')),
  },
};

const PRODUCTS: readonly (readonly [string, number, string, string])[] = [
  // product type, weight, Spanish name, British name
  ['credit_card', 30, 'Tarjeta Visa Clásica', 'Platinum Credit Card'],
  ['personal_loan', 20, 'Préstamo Personal', 'Personal Loan'],
  ['overdraft', 10, 'Descubierto en Cuenta', 'Current Account Overdraft'],
  ['vehicle_finance', 8, 'Financiación de Vehículo', 'Car Finance'],
  ['mortgage', 2, 'Hipoteca Vivienda', 'Homeowner Loan'],
  ['buy_now_pay_later', 10, 'Paga en 3 plazos', 'Pay in 3'],
  ['utility', 8, 'Factura de Luz', 'Energy Bill'],
  ['telecom', 10, 'Contrato Fibra y Móvil', 'Mobile Contract'],
  ['other', 2, 'Cuota de Gimnasio', 'Gym Membership'],
];
const PRODUCT_WEIGHT = PRODUCTS.reduce((sum, product) => sum + product[1], 0);
const POSTCODE_LETTERS = 'ABDEFGHJLNPQRSTUWXYZ';
const PLACEMENT_ANCHOR = Date.UTC(2026, 10, 1);
const DAY_MS = 86_400_000;

function debtorRows(index: number, random: () => number): PortfolioValues[] {
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)];
  const between = (low: number, high: number) => low + Math.floor(random() * (high - low + 1));
  const chance = (p: number) => random() < p;
  const country: Country = chance(0.55) ? 'ES' : 'GB';
  const names = NAMES[country];
  const places = PLACES[country];
  const organisation = chance(0.05);

  const given = pick(names.given);
  const family =
    country === 'ES' ? `${pick(names.family)} ${pick(names.family)}` : pick(names.family);
  const organisationName = organisation
    ? pick(names.organisations)
        .replace('{f}', pick(names.family))
        .replace('{g}', pick(names.family))
    : '';
  const debtorId = `C-${100_001 + index}`;
  const mobile = chance(0.9)
    ? country === 'GB'
      ? `+447700900${String(between(0, 999)).padStart(3, '0')}`
      : `+34600000${String(between(0, 999)).padStart(3, '0')}`
    : '';
  const email = chance(0.85)
    ? `${ascii(organisation ? organisationName : `${given}.${family}`)}.${index + 1}@example.com`
    : '';
  const consent = (granted: number, withdrawn: number) => {
    const roll = random();
    return roll < granted ? 'granted' : roll < granted + withdrawn ? 'withdrawn' : '';
  };
  const [locality, region, postalPrefix] = pick(places.towns);
  const postalCode =
    country === 'ES'
      ? `${postalPrefix}${String(between(1, 99)).padStart(3, '0')}`
      : `${postalPrefix}${between(1, 20)} ${between(1, 9)}${pick([...POSTCODE_LETTERS])}${pick([...POSTCODE_LETTERS])}`;
  const street = pick(places.streets);
  const number = between(1, 150);

  const debtor = {
    creditor_debtor_id: debtorId,
    kind: organisation ? 'organisation' : chance(0.5) ? 'person' : '',
    given_names: organisation ? '' : given,
    family_name: organisation ? '' : family,
    organisation_name: organisationName,
    date_of_birth: organisation ? '' : isoDate(Date.UTC(1945, 0, 1) + between(0, 21_900) * DAY_MS),
    preferred_language: country === 'ES' ? 'es-ES' : 'en-GB',
    mobile,
    mobile_sms_consent: mobile ? consent(0.6, 0.1) : '',
    whatsapp_consent: mobile ? consent(0.3, 0.05) : '',
    email,
    email_consent: email ? consent(0.5, 0.1) : '',
    time_zone: country === 'ES' ? 'Europe/Madrid' : 'Europe/London',
    address_line1: country === 'ES' ? `${street} ${number}` : `${number} ${street}`,
    address_line2: chance(0.4) ? pick(places.secondLines) : '',
    locality,
    region,
    postal_code: postalCode,
    country_code: country,
  };

  const accountRoll = random();
  const accounts = accountRoll < 0.75 ? 1 : accountRoll < 0.95 ? 2 : 3;
  return Array.from({ length: accounts }, (_, account) => {
    let roll = random() * PRODUCT_WEIGHT;
    const product = PRODUCTS.find(([, weight]) => (roll -= weight) < 0) ?? PRODUCTS[0];
    const original = between(5_000, 1_500_000);
    const current = Math.max(5_000, Math.floor(original * (0.3 + random() * 0.7)));
    return {
      ...debtor,
      account_reference: `A-${100_001 + index}-${account + 1}`,
      product_type: product[0],
      product_name: country === 'ES' ? product[2] : product[3],
      currency: country === 'ES' ? 'EUR' : 'GBP',
      original_balance_minor: String(original),
      current_balance_minor: String(current),
      days_past_due: String(between(1, 400)),
      placement_date: isoDate(PLACEMENT_ANCHOR - between(0, 90) * DAY_MS),
      source_version: '',
    };
  });
}

function isoDate(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

/** Lower-case ASCII for an email local part: "José Luis.García" -> "jose.luis.garcia". */
function ascii(text: string): string {
  return text
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z.]+/g, '.')
    .replace(/\.+/g, '.')
    .replace(/^\.|\.$/g, '');
}
