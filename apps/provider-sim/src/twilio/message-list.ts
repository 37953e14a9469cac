import type { SimTwilioMessage } from '../sim-state';
import { API_VERSION, messageResource, twilioError, type TwilioErrorBody } from './twilio-format';

const DEFAULT_PAGE_SIZE = 50;
const MAX_PAGE_SIZE = 1000;
const DAY_MS = 86_400_000;

/** The filters the Messages list resource takes (query names as Twilio spells them). */
const FILTERS = ['To', 'From', 'DateSent', 'DateSent<', 'DateSent>'] as const;

/** `YYYY-MM-DD` covers that UTC day; a date-time covers its millisecond. [start, end). */
function dateRange(value: string): { start: number; end: number } | undefined {
  if (/^\d{4}-\d{2}-\d{2}$/.test(value)) {
    const start = Date.parse(`${value}T00:00:00Z`);
    return Number.isNaN(start) ? undefined : { start, end: start + DAY_MS };
  }
  const at = /^\d{4}-\d{2}-\d{2}T/.test(value) ? Date.parse(value) : Number.NaN;
  return Number.isNaN(at) ? undefined : { start: at, end: at + 1 };
}

function nonNegativeInteger(value: string | null, fallback: number): number | undefined {
  if (value === null) return fallback;
  return /^\d+$/.test(value) ? Number(value) : undefined;
}

/**
 * `GET /2010-04-01/Accounts/{Sid}/Messages.json`: filtered by `To`, `From` and `DateSent`
 * (`DateSent=`, `DateSent<=`, `DateSent>=` — in a query string the latter two are the parameters
 * `DateSent<` / `DateSent>`; inclusive, like Twilio), newest first, paged with `PageSize` / `Page`.
 * Messages not yet sent have no `date_sent`, so any `DateSent` filter leaves them out.
 */
export function listMessages(
  accountSid: string,
  messages: readonly SimTwilioMessage[],
  query: URLSearchParams,
): { status: 200; body: Record<string, unknown> } | { status: 400; body: TwilioErrorBody } {
  const pageSize = nonNegativeInteger(query.get('PageSize'), DEFAULT_PAGE_SIZE);
  const page = nonNegativeInteger(query.get('Page'), 0);
  if (pageSize === undefined || pageSize < 1 || pageSize > MAX_PAGE_SIZE) {
    return { status: 400, body: twilioError(400, 20001, 'PageSize must be between 1 and 1000') };
  }
  if (page === undefined) {
    return { status: 400, body: twilioError(400, 20001, 'Page must be a non-negative integer') };
  }
  const ranges: Partial<
    Record<'DateSent' | 'DateSent<' | 'DateSent>', { start: number; end: number }>
  > = {};
  for (const name of ['DateSent', 'DateSent<', 'DateSent>'] as const) {
    const value = query.get(name);
    if (value === null) continue;
    const range = dateRange(value);
    if (!range) {
      return { status: 400, body: twilioError(400, 20001, `Invalid ${name}: ${value}`) };
    }
    ranges[name] = range;
  }
  const to = query.get('To');
  const from = query.get('From');
  const matching = messages.filter((message) => {
    if (to !== null && message.to !== to) return false;
    if (from !== null && message.from !== from) return false;
    if (Object.keys(ranges).length === 0) return true;
    if (!message.dateSent) return false;
    const sent = message.dateSent.getTime();
    const { DateSent: on, 'DateSent<': before, 'DateSent>': after } = ranges;
    return (
      (!on || (sent >= on.start && sent < on.end)) &&
      (!before || sent < before.end) &&
      (!after || sent >= after.start)
    );
  });

  const filters = new URLSearchParams();
  for (const name of FILTERS) {
    const value = query.get(name);
    if (value !== null) filters.set(name, value);
  }
  const base = `/${API_VERSION}/Accounts/${accountSid}/Messages.json`;
  const pageUri = (n: number): string => {
    const params = new URLSearchParams(filters);
    params.set('PageSize', String(pageSize));
    params.set('Page', String(n));
    return `${base}?${params.toString()}`;
  };
  const start = page * pageSize;
  const slice = matching.slice(start, start + pageSize);
  return {
    status: 200,
    body: {
      messages: slice.map(messageResource),
      page,
      page_size: pageSize,
      start,
      end: slice.length === 0 ? start : start + slice.length - 1,
      uri: pageUri(page),
      first_page_uri: pageUri(0),
      previous_page_uri: page > 0 ? pageUri(page - 1) : null,
      next_page_uri: start + pageSize < matching.length ? pageUri(page + 1) : null,
    },
  };
}
