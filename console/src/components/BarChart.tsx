import { useI18n } from '../i18n';

export interface Bar {
  key: string;
  label: string;
  value: number;
}

/**
 * A horizontal bar chart in plain SVG (no chart library: a few bars need none, and the bundle and
 * the CSP stay small). The same numbers are in a table for screen readers and keyboard users.
 */
export function BarChart({ title, bars, id }: { title: string; bars: Bar[]; id: string }) {
  const { number, t } = useI18n();
  const max = Math.max(1, ...bars.map((b) => b.value));
  const rowHeight = 22;
  const labelWidth = 150;
  const width = 460;
  const height = bars.length * rowHeight + 4;
  return (
    <figure className="chart" aria-labelledby={`${id}-title`}>
      <figcaption id={`${id}-title`}>{title}</figcaption>
      <svg viewBox={`0 0 ${width} ${height}`} role="img" aria-labelledby={`${id}-title`} className="bars">
        {bars.map((bar, i) => {
          const w = ((width - labelWidth - 60) * bar.value) / max;
          const y = i * rowHeight + 2;
          return (
            <g key={bar.key}>
              <text x={labelWidth - 6} y={y + 15} textAnchor="end" className="bar-label">
                {bar.label.length > 22 ? `${bar.label.slice(0, 21)}…` : bar.label}
              </text>
              <rect x={labelWidth} y={y + 3} width={Math.max(1, w)} height={rowHeight - 6} className="bar" />
              <text x={labelWidth + w + 4} y={y + 15} className="bar-value">
                {number(bar.value)}
              </text>
            </g>
          );
        })}
      </svg>
      <details>
        <summary>{t('dashboard.asTable')}</summary>
        <table>
          <tbody>
            {bars.map((b) => (
              <tr key={b.key}>
                <th scope="row">{b.label}</th>
                <td className="num">{number(b.value)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </details>
    </figure>
  );
}
