import type { HourWeekdayCell } from '../../../contract';
import { WEEKDAYS, formatNumber } from '../format';

const CELL = 22;
const LEFT = 40;
const TOP = 18;

/** Orders by hour (columns, UTC) and ISO weekday (rows) as an SVG grid; darker is busier. */
export const Heatmap = ({ cells }: { cells: HourWeekdayCell[] }) => {
  const max = Math.max(1, ...cells.map((c) => c.orders));
  const width = LEFT + 24 * CELL;
  const height = TOP + 7 * CELL;
  return (
    <div className="heatmap-scroll">
      <svg className="heatmap" viewBox={`0 0 ${width} ${height}`} role="img" aria-label="Orders by weekday and hour of day (UTC)">
        {[0, 6, 12, 18].map((h) => (
          <text key={h} x={LEFT + h * CELL + CELL / 2} y={12} textAnchor="middle" className="axis-label">
            {`${h}h`}
          </text>
        ))}
        {WEEKDAYS.map((d, i) => (
          <text key={d} x={LEFT - 6} y={TOP + i * CELL + CELL / 2 + 4} textAnchor="end" className="axis-label">
            {d}
          </text>
        ))}
        {cells.map((c) => (
          <rect
            key={`${c.weekday}-${c.hour}`}
            className="heat-cell"
            x={LEFT + c.hour * CELL + 1}
            y={TOP + (c.weekday - 1) * CELL + 1}
            width={CELL - 2}
            height={CELL - 2}
            rx={3}
            fill={`rgba(31, 95, 139, ${(0.06 + 0.94 * (c.orders / max)).toFixed(3)})`}
          >
            <title>{`${WEEKDAYS[c.weekday - 1]} ${c.hour}:00–${c.hour}:59 UTC: ${formatNumber(c.orders)} orders`}</title>
          </rect>
        ))}
      </svg>
    </div>
  );
};
