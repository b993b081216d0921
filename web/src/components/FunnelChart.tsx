import type { FunnelRow } from '../../../contract';
import { formatNumber } from '../format';
import { formatRate } from '../behaviour-text';

const STEPS = [
  { key: 'view', label: 'Viewed' },
  { key: 'cart', label: 'Added to cart' },
  { key: 'purchase', label: 'Bought' },
] as const;
const DROPS = ['view_to_cart', 'cart_to_purchase'] as const;

/** view → cart → purchase as bars scaled to the viewing units, with the drop-off between steps. */
export const FunnelChart = ({ row, unit }: { row: FunnelRow; unit: string }) => {
  const top = Math.max(row.reached.view, 1);
  return (
    <ol className="funnel" aria-label={`Funnel of ${unit}s`}>
      {STEPS.map((step, i) => (
        <li key={step.key} data-step={step.key}>
          {i > 0 && (
            <p className="funnel-drop" data-drop={DROPS[i - 1]}>
              ↓ <strong>{formatRate(row.drop_off[DROPS[i - 1]])}</strong> drop off · {formatRate(row.conversion[DROPS[i - 1]])} go on
            </p>
          )}
          <div className="funnel-step">
            <span className="funnel-label">{step.label}</span>
            <span className="funnel-bar" style={{ width: `${Math.max((row.reached[step.key] / top) * 100, 0.5)}%` }} aria-hidden="true" />
            <span className="funnel-count" data-count={step.key}>
              {formatNumber(row.reached[step.key])}
            </span>
          </div>
        </li>
      ))}
    </ol>
  );
};
