import { GraphQLError, GraphQLScalarType, Kind } from 'graphql';

/**
 * Strict `DateTime`: an RFC 3339 date-time with a real calendar date (no month 13, no 30 February)
 * and a four-digit year, so that every accepted value is a valid JavaScript Date and a valid
 * PostgreSQL timestamptz. `new Date()` alone rolls 30 February over to March and lets out-of-range
 * or garbage values through as Invalid Date, which then fail in SQL.
 */
const RFC3339 = /^(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2}):(\d{2})(\.\d{1,9})?([Zz]|([+-])(\d{2}):(\d{2}))$/;

function daysIn(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

function refuse(reason: string): GraphQLError {
  return new GraphQLError(`DateTime ${reason}`, { extensions: { code: 'BAD_USER_INPUT' } });
}

/** The Date a strict date-time string stands for; throws BAD_USER_INPUT (a GraphQLError) otherwise. */
export function parseCalendarDateTime(value: unknown): Date {
  if (typeof value !== 'string') throw refuse('must be a string such as 2026-03-01T09:30:00Z');
  const match = RFC3339.exec(value);
  if (!match) throw refuse('must be an RFC 3339 date-time such as 2026-03-01T09:30:00Z');
  const [year, month, day, hour, minute, second] = match.slice(1, 7).map(Number);
  if (year < 1) throw refuse('year must be between 0001 and 9999');
  if (month < 1 || month > 12) throw refuse('month must be between 01 and 12');
  if (day < 1 || day > daysIn(year, month)) throw refuse(`day must be between 01 and ${daysIn(year, month)} in that month`);
  if (hour > 23 || minute > 59 || second > 59) throw refuse('time of day is out of range');
  if (match[9] && (Number(match[10]) > 23 || Number(match[11]) > 59)) throw refuse('UTC offset is out of range');
  const date = new Date(value.replace(' ', 'T'));
  if (Number.isNaN(date.getTime())) throw refuse('is not a valid date-time');
  // An offset can carry a date at either end into year 0 or 10000 at UTC, which the keyset
  // cursors of every list holding it would then refuse: one such value would stop others' paging.
  const utcYear = date.getUTCFullYear();
  if (utcYear < 1 || utcYear > 9999) throw refuse('must fall between the years 0001 and 9999 at UTC');
  return date;
}

export const CalendarDateTime = new GraphQLScalarType({
  name: 'DateTime',
  description: 'A date-time string at UTC, such as 2019-12-03T09:54:33Z, compliant with the date-time format.',
  parseValue: parseCalendarDateTime,
  serialize(value) {
    return value instanceof Date ? value.toISOString() : null;
  },
  parseLiteral(ast) {
    if (ast.kind !== Kind.STRING) throw refuse('must be a string such as 2026-03-01T09:30:00Z');
    return parseCalendarDateTime(ast.value);
  },
});
