import { useEffect, useState } from 'react';
import type { HourWeekdayCell } from '../../../contract';
import { WEEKDAYS, formatCount, formatNumber } from '../format';

const CELL = 22;
/** Room for the row labels (weekdays, or hours when turned) and the column labels. */
const LEFT = 40;
const TOP = 18;
/** Narrower than this, 24 hour columns would be too small to read: hours become rows. */
const PORTRAIT = '(max-width: 600px)';

/** A cell's colour: the share of the busiest hour's orders, never quite white so empty hours still show as cells. */
const shade = (share: number): string => `rgba(31, 95, 139, ${(0.06 + 0.94 * share).toFixed(3)})`;

const useMedia = (query: string): boolean => {
  const [matches, setMatches] = useState(() => window.matchMedia(query).matches);
  useEffect(() => {
    const list = window.matchMedia(query);
    const onChange = () => setMatches(list.matches);
    list.addEventListener('change', onChange);
    return () => list.removeEventListener('change', onChange);
  }, [query]);
  return matches;
};

/**
 * Orders by hour (UTC) and ISO weekday as an SVG grid, darker is busier, with its colour
 * scale. Hours run across on a wide screen and down on a phone, so the whole week fits.
 */
export const Heatmap = ({ cells }: { cells: HourWeekdayCell[] }) => {
  const portrait = useMedia(PORTRAIT);
  const max = Math.max(1, ...cells.map((c) => c.orders));
  // (column, row) of a weekday and an hour.
  const at = (weekday: number, hour: number) => (portrait ? [weekday - 1, hour] : [hour, weekday - 1]);
  const [columns, rows] = portrait ? [7, 24] : [24, 7];
  return (
    <>
      <svg
        className={`heatmap${portrait ? ' heatmap-portrait' : ''}`}
        viewBox={`0 0 ${LEFT + columns * CELL} ${TOP + rows * CELL}`}
        role="img"
        aria-label="Orders by weekday and hour of day (UTC)"
      >
        {[0, 3, 6, 9, 12, 15, 18, 21].map((h) => {
          const [x, y] = portrait ? [LEFT - 6, TOP + h * CELL + CELL / 2 + 4] : [LEFT + h * CELL + CELL / 2, 12];
          return (
            <text key={`h${h}`} x={x} y={y} textAnchor={portrait ? 'end' : 'middle'} className="axis-label">
              {`${h}h`}
            </text>
          );
        })}
        {WEEKDAYS.map((d, i) => {
          const [x, y] = portrait ? [LEFT + i * CELL + CELL / 2, 12] : [LEFT - 6, TOP + i * CELL + CELL / 2 + 4];
          return (
            <text key={d} x={x} y={y} textAnchor={portrait ? 'middle' : 'end'} className="axis-label">
              {d}
            </text>
          );
        })}
        {cells.map((c) => {
          const [column, row] = at(c.weekday, c.hour);
          return (
            <rect
              key={`${c.weekday}-${c.hour}`}
              className="heat-cell"
              x={LEFT + column * CELL + 1}
              y={TOP + row * CELL + 1}
              width={CELL - 2}
              height={CELL - 2}
              rx={3}
              fill={shade(c.orders / max)}
            >
              <title>{`${WEEKDAYS[c.weekday - 1]} ${c.hour}:00–${c.hour}:59 UTC: ${formatNumber(c.orders)} orders`}</title>
            </rect>
          );
        })}
      </svg>
      <div className="heat-legend" role="img" aria-label={`Colour scale: lightest 0 orders in an hour, darkest ${formatNumber(max)}`}>
        <span>0 orders</span>
        <span className="heat-legend-bar" style={{ background: `linear-gradient(to right, ${shade(0)}, ${shade(1)})` }} aria-hidden="true" />
        <span>{formatCount(max, 'order')} in an hour</span>
      </div>
    </>
  );
};
