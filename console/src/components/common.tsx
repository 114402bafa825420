import type { ReactNode } from 'react';
import { GraphqlFailure } from '../lib/api';
import { useI18n } from '../i18n';

/** TLP 2.0 labels in FIRST's colours: coloured text on black. */
export function TlpBadge({ tlp }: { tlp: string }) {
  const label = tlp === 'AMBER_STRICT' ? 'TLP:AMBER+STRICT' : `TLP:${tlp}`;
  return <span className={`tlp tlp-${tlp.toLowerCase().replace('_', '-')}`}>{label}</span>;
}

/** A field the server withheld from this reader: said so, never shown as empty. */
export function Withheld() {
  const { t } = useI18n();
  return (
    <span className="withheld" title={t('withheld.title')}>
      {t('withheld')}
    </span>
  );
}

/** Shows the value, "withheld" when the server listed the field in redactedFields, or a dash. */
export function Value({ redacted, field, children }: { redacted: readonly string[]; field: string; children?: ReactNode }) {
  if (redacted.includes(field)) return <Withheld />;
  if (children == null || children === '') return <span className="none">—</span>;
  return <>{children}</>;
}

export function ErrorMessage({ error }: { error: unknown }) {
  const { t } = useI18n();
  if (!error) return null;
  const code = error instanceof GraphqlFailure ? error.code : undefined;
  const message = error instanceof Error ? error.message : String(error);
  return (
    <p className="error" role="alert">
      {code ? `${t('error.label')} (${code}): ` : `${t('error.label')}: `}
      {message}
    </p>
  );
}

export function Loading() {
  const { t } = useI18n();
  return (
    <p className="loading" role="status">
      {t('app.loading')}
    </p>
  );
}

/**
 * Previous / page n / Next over a keyset-paged list: `cursors` holds the `after` of every page
 * visited so far (the first is null), so Previous goes back without the server paging backwards.
 */
export function CursorPager({
  cursors,
  onChange,
  pageInfo,
}: {
  cursors: readonly (string | null)[];
  onChange: (cursors: (string | null)[]) => void;
  pageInfo: { hasNextPage: boolean; endCursor?: string | null } | undefined;
}) {
  const { t } = useI18n();
  return (
    <nav className="pager" aria-label={t('search.paging')}>
      <button type="button" disabled={cursors.length <= 1} onClick={() => onChange(cursors.slice(0, -1))}>
        {t('search.previous')}
      </button>
      <span>{t('search.page', { page: cursors.length })}</span>
      <button type="button" disabled={!pageInfo?.hasNextPage} onClick={() => onChange([...cursors, pageInfo?.endCursor ?? null])}>
        {t('search.next')}
      </button>
    </nav>
  );
}
