import type { ReactNode } from 'react';

/** A plain table with a caption: every screen's lists. */
export function Table(props: { caption: string; head: string[]; rows: ReactNode[][] }) {
  return (
    <table>
      <caption>{props.caption}</caption>
      <thead>
        <tr>
          {props.head.map((h) => (
            <th key={h}>{h}</th>
          ))}
        </tr>
      </thead>
      <tbody>
        {props.rows.map((row, i) => (
          <tr key={i}>
            {row.map((cell, j) => (
              <td key={j}>{cell}</td>
            ))}
          </tr>
        ))}
      </tbody>
    </table>
  );
}

export const time = (iso: string) => new Date(iso).toLocaleString();

export const duration = (seconds: number) =>
  seconds < 120
    ? `${Math.round(seconds)} s`
    : seconds < 7200
      ? `${Math.round(seconds / 60)} min`
      : `${Math.round(seconds / 3600)} h`;

/** A link to a lot's page, with its genealogy. */
export function LotLink(props: { plant: string; lot: string }) {
  return <a href={`#/lot/${encodeURIComponent(props.plant)}/${encodeURIComponent(props.lot)}`}>{props.lot}</a>;
}
