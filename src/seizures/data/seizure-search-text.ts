/**
 * The full-text document of a report, over its non-nominal words. The migration indexes exactly
 * this expression (GIN), and the text filter must use it verbatim for the index to serve it.
 */
export const SEIZURE_SEARCH_DOCUMENT = (alias: string) =>
  `to_tsvector('simple'::regconfig, coalesce(${alias}.reference, '') || ' ' || coalesce(${alias}.commodity_type, '') || ' ' || ` +
  `coalesce(${alias}.commodity_description, '') || ' ' || coalesce(${alias}.concealment, '') || ' ' || coalesce(${alias}.location_name, ''))`;
