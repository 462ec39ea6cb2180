/**
 * Inline SVG icons (stroke, currentColor). No emoji: office PCs and servers often lack a colour-emoji font,
 * and a missing glyph shows as a box.
 */
const PATHS = {
  user: 'M8 8a3 3 0 1 0 0-6 3 3 0 0 0 0 6zM2.5 14.5c.6-2.8 2.8-4.5 5.5-4.5s4.9 1.7 5.5 4.5',
  building: 'M3 14.5V2.5h7v12M10 6.5h3v8M1.5 14.5h13M5 5h1M7.5 5h.5M5 8h1M7.5 8h.5M5 11h1M7.5 11h.5',
  database: 'M2.5 3.5c0-1.1 2.5-2 5.5-2s5.5.9 5.5 2-2.5 2-5.5 2-5.5-.9-5.5-2zM2.5 3.5v9c0 1.1 2.5 2 5.5 2s5.5-.9 5.5-2v-9M2.5 8c0 1.1 2.5 2 5.5 2s5.5-.9 5.5-2',
  key: 'M10 9.5a3.5 3.5 0 1 0-3.2-2.1L1.5 12.7v1.8h2.2v-1.3H5v-1.3h1.3l1.6-1.6c.6.2 1.3.2 2.1-.8zM11 5h.01',
  lock: 'M4 7V5a4 4 0 0 1 8 0v2M3 7h10v7.5H3zM8 10v2',
  edit: 'M10.5 2.5l3 3L6 13H3v-3zM9 4l3 3',
  note: 'M3 1.5h7l3 3v10H3zM10 1.5v3h3M5.5 8h5M5.5 10.5h5M5.5 5.5h2',
  plus: 'M8 3v10M3 8h10',
  link: 'M6.5 9.5l3-3M7 4.5l1-1a2.8 2.8 0 0 1 4 4l-1 1M9 11.5l-1 1a2.8 2.8 0 0 1-4-4l1-1',
  inbox: 'M1.5 9.5l2-6.5h9l2 6.5v4h-13zM1.5 9.5h4l1 1.5h3l1-1.5h4',
  mail: 'M1.5 3.5h13v9h-13zM1.5 3.5l6.5 5 6.5-5',
  dot: 'M8 6.5a1.5 1.5 0 1 1 0 3 1.5 1.5 0 0 1 0-3z',
  info: 'M8 14.5a6.5 6.5 0 1 0 0-13 6.5 6.5 0 0 0 0 13zM8 7.5v4M8 5h.01',
  warn: 'M8 1.5l6.5 12.5h-13zM8 6v4M8 12h.01',
  check: 'M3 8.5l3 3 7-7',
  globe: 'M8 14.5a6.5 6.5 0 1 0 0-13 6.5 6.5 0 0 0 0 13zM1.5 8h13M8 1.5c1.8 1.8 2.6 4 2.6 6.5S9.8 12.7 8 14.5M8 1.5C6.2 3.3 5.4 5.5 5.4 8s.8 4.7 2.6 6.5',
  cart: 'M1.5 2h2l1.6 8h7.4l1.5-5.5H4.3M6 13.5h.01M11.5 13.5h.01',
  calendar: 'M2.5 3.5h11v10h-11zM2.5 6.5h11M5.5 2v3M10.5 2v3',
  form: 'M3 1.5h10v13H3zM5.5 5h5M5.5 8h5M5.5 11h3',
  filter: 'M1.5 2.5h13l-5 6v5l-3 1.5v-6.5z',
  grid: 'M2 2h12v12H2zM2 6h12M2 10h12M6 2v12M10 2v12',
  undo: 'M5 3.5L2 6.5l3 3M2 6.5h7.5a3.5 3.5 0 0 1 0 7H6',
  chart: 'M1.5 14.5h13M3.5 12V8M6.5 12V4M9.5 12V6.5M12.5 12V2.5',
  speech: 'M2 2.5h12v8.5H7.5l-3.5 3v-3H2zM5 6.75h.01M8 6.75h.01M11 6.75h.01',
  download: 'M8 1.5v9M4.5 7L8 10.5 11.5 7M2.5 12.5v2h11v-2',
} as const;

export type IconName = keyof typeof PATHS;

export function Icon({ name, size = 14, className, title }: { name: IconName; size?: number; className?: string; title?: string }) {
  return (
    <svg
      className={`icon${className ? ` ${className}` : ''}`}
      width={size}
      height={size}
      viewBox="0 0 16 16"
      fill="none"
      stroke="currentColor"
      strokeWidth={1.4}
      strokeLinecap="round"
      strokeLinejoin="round"
      aria-hidden={title ? undefined : true}
      role={title ? 'img' : undefined}
    >
      {title && <title>{title}</title>}
      <path d={PATHS[name]} />
    </svg>
  );
}
